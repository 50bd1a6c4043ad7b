"""The 1EdTech Open Badges 3.0 API: badgehub as a Service Provider (a host other wallets and
platforms read from and write to, with OAuth 2.0) and as a Service Consumer (a beneficiary
sends a badge to another OB 3.0 host)."""
