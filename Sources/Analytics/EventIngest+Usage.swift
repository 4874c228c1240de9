import MeshStore

/// usage.api_calls: the gateway's running count of a company's calls on one UTC day.
extension EventIngest {
    /// Keeps the largest count seen for the day, so late or repeated reports never lower it.
    static func applyAPIUsage(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let day = try payload.requireString("day")
        guard UTCCalendar.dayNumber(parsing: day) != nil else {
            throw payload.invalid("day", expected: "a UTC date written YYYY-MM-DD")
        }
        let calls = try payload.requireInt("calls")
        guard calls >= 0 else {
            throw payload.invalid("calls", expected: "a count of zero or more")
        }

        try connection.execute(
            """
            INSERT INTO api_usage (company_id, day, calls, updated_at_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (company_id, day) DO UPDATE SET
                calls = MAX(api_usage.calls, excluded.calls),
                updated_at_ms = MAX(api_usage.updated_at_ms, excluded.updated_at_ms)
            """,
            [.text(companyID), .text(day), .integer(calls), .integer(payload.atMs)]
        )
    }
}
