import Foundation
import OrreryCore
