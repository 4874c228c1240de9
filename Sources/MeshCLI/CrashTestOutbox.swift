import Foundation
import Notification

/// The `.eml` files of a mesh's outbox folder, counted by the address in their `To:` header.
///
/// The crash test gives every owner and every invited user an address of its own, and each of them gets
/// one message, so a count of 1 per address means each welcome and invitation exists exactly once.
/// Mail to the operator is left out: killed processes fail calls, which can fire operator alerts, and
/// those are not writes the test made.
struct CrashTestOutbox: Sendable {
    struct Scan: Sendable, Equatable {
        /// Lowercased address to the number of files addressed to it.
        var byRecipient: [String: Int] = [:]
        /// Files without a readable `To:` header.
        var unreadable: [String] = []

        var fileCount: Int { byRecipient.values.reduce(0, +) + unreadable.count }
    }

    let directory: String
    /// The operator's address, lowercased, as the notification process reads it from the environment.
    let operatorAddress = ((try? OperatorMailbox.from(ProcessInfo.processInfo.environment))?.address ?? "").lowercased()

    func scan() -> Scan {
        var result = Scan()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        // Hidden `.<id>.eml.tmp` files are messages being written; only renamed, complete files count.
        for name in names where name.hasSuffix(".eml") && !name.hasPrefix(".") {
            let path = directory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), let address = Self.recipient(in: text)
            else {
                result.unreadable.append(name)
                continue
            }
            if address != operatorAddress {
                result.byRecipient[address, default: 0] += 1
            }
        }
        return result
    }

    /// Returns the address of the `To:` header (unfolded), taken from inside `<...>` when present.
    static func recipient(in message: String) -> String? {
        let head = message.components(separatedBy: "\r\n\r\n").first ?? message
        var fields: [String] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !fields.isEmpty {
                fields[fields.count - 1] += line
            } else {
                fields.append(line)
            }
        }

        guard let field = fields.first(where: { $0.lowercased().hasPrefix("to:") }) else {
            return nil
        }
        var value = Substring(field.dropFirst(3))
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            value = value[value.index(after: open)..<close]
        }
        let address = value.trimmingCharacters(in: .whitespaces).lowercased()
        return address.isEmpty ? nil : address
    }
}
