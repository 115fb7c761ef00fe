import Foundation
import OrreryCore
import OrreryFormats
import Testing

@Suite struct TokenVocabularyTests {
    @Test func vocabTextIsOneTokenPerLine() throws {
        #expect(try TokenVocabulary.read(Data("[PAD]\n[unused0]\n \nking\r\n".utf8), path: "vocab.txt") == ["[PAD]", "[unused0]", " ", "king"])
        #expect(try TokenVocabulary.read(Data("a\nb".utf8), path: "vocab.txt") == ["a", "b"])
    }

    @Test func tokenizerJSONIsMatchedByID() throws {
        let json = #"{"added_tokens":[{"id":3,"content":"[MASK]"}],"model":{"type":"WordPiece","vocab":{"king":2,"[PAD]":0,"the":1}}}"#
        #expect(try TokenVocabulary.read(Data(json.utf8), path: "tokenizer.json") == ["[PAD]", "the", "king", "[MASK]"])
    }

    @Test func unigramVocabularyIsAList() throws {
        let json = #"{"model":{"type":"Unigram","vocab":[["<pad>",0.0],["▁the",-3.2]]}}"#
        #expect(try TokenVocabulary.read(Data(json.utf8), path: "tokenizer.json") == ["<pad>", "▁the"])
    }

    @Test func aMissingIDIsAnError() {
        let json = #"{"model":{"vocab":{"a":0,"c":2}}}"#
        #expect(throws: OrreryError.malformed(file: "tokenizer.json", line: 0, column: nil, reason: "no token has id 1, though ids go up to 2; row 1 would have no label")) {
            try TokenVocabulary.read(Data(json.utf8), path: "tokenizer.json")
        }
    }
}
