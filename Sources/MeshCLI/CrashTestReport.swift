/// The outcome of a crash test: how much was written and crashed, and every loss or duplicate found.
struct CrashTestReport: Sendable {
    let acknowledgedWrites: Int
    let crashes: Int
    private(set) var lost = 0
    private(set) var duplicated = 0
    /// One line per finding, saying what is missing or doubled and where.
    private(set) var findings: [String] = []

    init(acknowledgedWrites: Int, crashes: Int) {
        self.acknowledgedWrites = acknowledgedWrites
        self.crashes = crashes
    }

    /// Records `count` acknowledged writes or effects that are missing.
    mutating func lost(_ count: Int, _ finding: String) {
        guard count > 0 else {
            return
        }
        lost += count
        findings.append("lost \(count): \(finding)")
    }

    /// Records `count` writes or effects applied more often than once.
    mutating func duplicated(_ count: Int, _ finding: String) {
        guard count > 0 else {
            return
        }
        duplicated += count
        findings.append("duplicated \(count): \(finding)")
    }

    /// Records a difference between an expected and a found number: more is duplicated, less is lost.
    mutating func compare(found: Int64, expected: Int64, _ what: String) {
        if found > expected {
            duplicated(Int(found - expected), "\(what) is \(found), expected \(expected)")
        } else if found < expected {
            lost(Int(expected - found), "\(what) is \(found), expected \(expected)")
        }
    }

    var passed: Bool { lost == 0 && duplicated == 0 }

    /// The line scripts and tests parse.
    var summary: String {
        "acknowledged writes=\(acknowledgedWrites) crashes=\(crashes) lost=\(lost) duplicated=\(duplicated)"
    }
}
