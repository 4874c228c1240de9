import MeshStore

/// The billing database schema, in migration order.
enum BillingMigrations {
    static let all: [Migration] = [
        Migration(
            id: 1,
            name: "subscriptions, history, invoices, line items",
            sql: """
                -- One subscription per company, kept after cancellation for export.
                CREATE TABLE subscriptions (
                    id TEXT PRIMARY KEY,
                    company_id TEXT NOT NULL UNIQUE,
                    key_prefix TEXT,
                    tier TEXT NOT NULL CHECK (tier IN ('basic', 'premium', 'platinum')),
                    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
                    currency TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'canceled')),
                    started_at_ms INTEGER NOT NULL,
                    anchor_day INTEGER NOT NULL CHECK (anchor_day BETWEEN 1 AND 31),
                    current_period_index INTEGER NOT NULL CHECK (current_period_index >= 0),
                    current_period_start_ms INTEGER NOT NULL,
                    current_period_end_ms INTEGER NOT NULL,
                    -- The monthly rate accruing now: the price while active, 0 while suspended or canceled.
                    rate_cents INTEGER NOT NULL,
                    -- The rate and tier when the current period began: the period's subscription line.
                    period_rate_cents INTEGER NOT NULL,
                    period_tier TEXT NOT NULL CHECK (period_tier IN ('basic', 'premium', 'platinum')),
                    canceled_at_ms INTEGER,
                    created_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                );
                CREATE INDEX subscriptions_due ON subscriptions (status, current_period_end_ms);

                -- Every lifecycle change applied to a subscription, with the event that caused it.
                CREATE TABLE subscription_history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
                    company_id TEXT NOT NULL,
                    kind TEXT NOT NULL
                        CHECK (kind IN ('created', 'tier_changed', 'suspended', 'reactivated', 'canceled')),
                    from_tier TEXT,
                    to_tier TEXT,
                    from_status TEXT,
                    to_status TEXT,
                    at_ms INTEGER NOT NULL,
                    prorated_cents INTEGER NOT NULL DEFAULT 0,
                    event_id TEXT NOT NULL,
                    recorded_at_ms INTEGER NOT NULL
                );
                CREATE INDEX subscription_history_by_company ON subscription_history (company_id, seq);

                CREATE TABLE invoices (
                    id TEXT PRIMARY KEY,
                    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
                    company_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    number TEXT NOT NULL,
                    period_start_ms INTEGER NOT NULL,
                    period_end_ms INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    total_cents INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'past_due')),
                    issued_at_ms INTEGER NOT NULL,
                    due_at_ms INTEGER NOT NULL,
                    paid_at_ms INTEGER,
                    created_at_ms INTEGER NOT NULL,
                    UNIQUE (subscription_id, period_start_ms),
                    UNIQUE (company_id, sequence)
                );
                CREATE INDEX invoices_unpaid ON invoices (status, due_at_ms);

                -- Charges and credits; invoice_id stays NULL while an item waits for the next invoice.
                CREATE TABLE line_items (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
                    company_id TEXT NOT NULL,
                    invoice_id TEXT REFERENCES invoices (id),
                    kind TEXT NOT NULL,
                    description TEXT NOT NULL,
                    amount_cents INTEGER NOT NULL,
                    period_start_ms INTEGER,
                    history_seq INTEGER REFERENCES subscription_history (seq),
                    created_at_ms INTEGER NOT NULL
                );
                CREATE INDEX line_items_pending ON line_items (subscription_id, invoice_id);
                CREATE INDEX line_items_by_invoice ON line_items (invoice_id, seq);
                CREATE INDEX line_items_by_company ON line_items (company_id, seq);
                """
        )
    ]
}
