/// Issue and user activity on one UTC day, read from the daily rollup.
public struct DayActivity: Codable, Sendable, Equatable {
    public var day: String
    public var issuesCreated: Int64
    public var issuesResolved: Int64
    /// Distinct users seen acting that day (accepting an invitation, inviting someone).
    public var activeUsers: Int64

    enum CodingKeys: String, CodingKey {
        case day
        case issuesCreated = "issues_created"
        case issuesResolved = "issues_resolved"
        case activeUsers = "active_users"
    }
}

/// Issue activity in one ISO week, limited to the days of the week inside the report window.
public struct WeekActivity: Codable, Sendable, Equatable {
    /// ISO 8601 week, for example "2026-W02".
    public var week: String
    public var fromDay: String
    public var toDay: String
    /// Days of this week inside the window (7 except at the window's edges).
    public var days: Int
    public var issuesCreated: Int64
    public var issuesResolved: Int64

    enum CodingKeys: String, CodingKey {
        case week
        case fromDay = "from_day"
        case toDay = "to_day"
        case days
        case issuesCreated = "issues_created"
        case issuesResolved = "issues_resolved"
    }

    /// Groups consecutive days (oldest first, one per day) into ISO weeks.
    static func group(_ days: [DayActivity]) -> [WeekActivity] {
        var weeks: [WeekActivity] = []
        for activity in days {
            guard let number = UTCCalendar.dayNumber(parsing: activity.day) else {
                continue
            }
            let label = UTCCalendar.isoWeek(dayNumber: number)
            if var last = weeks.last, last.week == label {
                last.toDay = activity.day
                last.days += 1
                last.issuesCreated += activity.issuesCreated
                last.issuesResolved += activity.issuesResolved
                weeks[weeks.count - 1] = last
            } else {
                weeks.append(
                    WeekActivity(
                        week: label, fromDay: activity.day, toDay: activity.day, days: 1,
                        issuesCreated: activity.issuesCreated, issuesResolved: activity.issuesResolved
                    )
                )
            }
        }
        return weeks
    }
}
