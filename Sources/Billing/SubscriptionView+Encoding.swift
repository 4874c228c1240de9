extension SubscriptionView {
    /// Writes every member, `canceled_at_ms` as null unless canceled.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(companyID, forKey: .companyID)
        try container.encode(subscriptionID, forKey: .subscriptionID)
        try container.encode(tier, forKey: .tier)
        try container.encode(status, forKey: .status)
        try container.encode(priceCents, forKey: .priceCents)
        try container.encode(currency, forKey: .currency)
        try container.encode(startedAtMs, forKey: .startedAtMs)
        try container.encode(anchorDay, forKey: .anchorDay)
        try container.encode(currentPeriodStartMs, forKey: .currentPeriodStartMs)
        try container.encode(currentPeriodEndMs, forKey: .currentPeriodEndMs)
        try container.encodeOrNull(canceledAtMs, forKey: .canceledAtMs)
        try container.encode(pendingItems, forKey: .pendingItems)
        try container.encode(pendingTotalCents, forKey: .pendingTotalCents)
        try container.encode(mrrCents, forKey: .mrrCents)
    }
}
