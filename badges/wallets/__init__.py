"""Taking a badge into a wallet: Learner Credential Wallet (VC-API exchange with DID
Authentication) and OpenID4VCI (pre-authorized code). Both hand out a credential
signed fresh for the holder's DID, once, from an offer the badge's owner started."""
