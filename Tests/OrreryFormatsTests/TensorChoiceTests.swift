import OrreryCore
import OrreryFormats
import Testing

@Suite struct TensorChoiceTests {
    let tensors = [TensorListing(name: "embeddings.word_embeddings.weight", shape: [30522, 384]),
                   TensorListing(name: "embeddings.position_embeddings.weight", shape: [512, 384]),
                   TensorListing(name: "embeddings.LayerNorm.bias", shape: [384]),
                   TensorListing(name: "pooler.dense.weight", shape: [384, 384])]

    @Test func aNamedTensorIsChosen() throws {
        #expect(try TensorChoice.choose("pooler.dense.weight", among: tensors, file: "m").shape == [384, 384])
    }

    @Test func theOnly2DTensorNeedsNoName() throws {
        let one = [tensors[0], tensors[2]]
        #expect(try TensorChoice.choose(nil, among: one, file: "m").name == "embeddings.word_embeddings.weight")
    }

    @Test func unknownNameListsThe2DTensorsClosestFirst() {
        #expect(throws: OrreryError.invalidParameter("tensor", reason: "no tensor 'embeddings.word_embedding.weight' in m.safetensors; its 2-D tensors, closest first: 'embeddings.word_embeddings.weight' (30522 × 384), 'embeddings.position_embeddings.weight' (512 × 384), 'pooler.dense.weight' (384 × 384)")) {
            try TensorChoice.choose("embeddings.word_embedding.weight", among: tensors, file: "m.safetensors")
        }
    }

    @Test func severalCandidatesNeedAName() {
        #expect(throws: OrreryError.invalidParameter("tensor", reason: "m holds 3 2-D tensors; name the embedding with 'tensor:' — 'embeddings.position_embeddings.weight' (512 × 384), 'embeddings.word_embeddings.weight' (30522 × 384), 'pooler.dense.weight' (384 × 384)")) {
            try TensorChoice.choose(nil, among: tensors, file: "m")
        }
    }

    @Test func excludedCandidatesAreNotChosenByThemselves() throws {
        let chosen = try TensorChoice.choose(nil, among: tensors, file: "m") { !$0.hasPrefix("pooler") && !$0.contains("position") }
        #expect(chosen.name == "embeddings.word_embeddings.weight")
    }

    @Test func aOneDimensionalTensorIsAShapeError() {
        #expect(throws: OrreryError.shapeMismatch("tensor 'embeddings.LayerNorm.bias' in m has shape 384 (1-D), but an embedding is a 2-D tensor (rows × dimensions); its 2-D tensors: 'embeddings.position_embeddings.weight' (512 × 384), 'embeddings.word_embeddings.weight' (30522 × 384), 'pooler.dense.weight' (384 × 384)")) {
            try TensorChoice.choose("embeddings.LayerNorm.bias", among: tensors, file: "m")
        }
    }
}
