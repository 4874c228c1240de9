// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "TenantMesh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mesh", targets: ["mesh"]),
        .library(name: "MeshClient", targets: ["MeshClient"]),
    ],
    targets: [
        // C libraries: SQLite, Nettle (SHA-256) and libcurl (SMTP) from Debian, and the Linux calls Glibc hides.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "nettle"),
        .target(name: "CSystem", path: "Sources/CSystem"),
        // SMTP through libcurl, loaded at run time (see Sources/CMail/smtp_send.c); it needs only curl's header.
        .target(name: "CMail", path: "Sources/CMail", linkerSettings: [.linkedLibrary("dl")]),

        // The mesh's foundation: protocol, sockets, storage, and the runtime every process shares.
        .target(name: "MeshProtocol", swiftSettings: strict),
        .target(name: "MeshStore", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "MeshTransport", dependencies: ["CSystem", "MeshProtocol"], swiftSettings: strict),
        .target(
            name: "MeshRuntime",
            dependencies: ["MeshProtocol", "MeshTransport", "MeshStore", "CCrypto", "CSystem"],
            swiftSettings: strict
        ),
        .target(name: "TenantModel", dependencies: ["MeshProtocol"], swiftSettings: strict),

        // One library per process.
        .target(name: "Tenancy", dependencies: ["MeshRuntime", "TenantModel"], swiftSettings: strict),
        .target(name: "Billing", dependencies: ["MeshRuntime", "TenantModel"], swiftSettings: strict),
        .target(name: "Analytics", dependencies: ["MeshRuntime", "TenantModel"], swiftSettings: strict),
        .target(name: "Notification", dependencies: ["MeshRuntime", "TenantModel", "CMail"], swiftSettings: strict),
        .target(name: "Gateway", dependencies: ["MeshRuntime", "TenantModel"], swiftSettings: strict),

        .target(name: "MeshClient", dependencies: ["MeshProtocol", "MeshTransport"], swiftSettings: strict),
        .target(
            name: "MeshCLI",
            dependencies: ["MeshRuntime", "MeshClient", "Tenancy", "Billing", "Analytics", "Notification", "Gateway"],
            swiftSettings: strict
        ),
        // lld packs the executable's relative relocations (DT_RELR): glibc applies a table of about 15 KB
        // at start instead of reading 1.8 MB of RELA entries, which kept that much resident in each process.
        .executableTarget(
            name: "mesh",
            dependencies: ["MeshCLI"],
            swiftSettings: strict,
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),
        // The C ping-pong server and load client that `mesh bench` measures everything against.
        .executableTarget(name: "MeshBenchC", path: "Benchmarks/PingPong"),

        .target(
            name: "MeshTesting",
            dependencies: ["MeshRuntime", "MeshProtocol", "MeshStore", "MeshTransport"],
            swiftSettings: strict
        ),

        .testTarget(name: "MeshProtocolTests", dependencies: ["MeshProtocol"], swiftSettings: strict),
        .testTarget(name: "MeshStoreTests", dependencies: ["MeshStore", "MeshTesting"], swiftSettings: strict),
        .testTarget(
            name: "MeshRuntimeTests",
            dependencies: ["MeshRuntime", "MeshTransport", "MeshTesting"],
            swiftSettings: strict
        ),
        .testTarget(name: "TenancyTests", dependencies: ["Tenancy", "MeshTesting"], swiftSettings: strict),
        .testTarget(name: "BillingTests", dependencies: ["Billing", "MeshTesting"], swiftSettings: strict),
        .testTarget(name: "AnalyticsTests", dependencies: ["Analytics", "MeshTesting"], swiftSettings: strict),
        .testTarget(name: "NotificationTests", dependencies: ["Notification", "MeshTesting"], swiftSettings: strict),
        .testTarget(name: "MeshCLITests", dependencies: ["MeshCLI", "MeshTesting"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["MeshClient", "MeshRuntime", "MeshTesting", "TenantModel", "Gateway", "Tenancy", "Billing"],
            swiftSettings: strict
        ),
    ]
)
