// Play an OpenID4VCI wallet against a live badgehub with a maintained client
// (@openid4vc/openid4vci, OID4VCI 1.0): resolve the credential offer, the issuer and
// authorization server metadata, take the pre-authorized code (with the transaction code),
// ask the nonce endpoint, prove possession of a did:key (Ed25519, signed by jose), and
// receive the credential of the configuration asked for.
//
//   node oid4vci-wallet.mjs OFFER_LINK TX_CODE CONFIGURATION_ID
// Prints {holder, format, credential, metadata}; exit code 0 when a credential came back.
import crypto from 'node:crypto';

import {clientAuthenticationNone} from '@openid4vc/oauth2';
import {Openid4vciClient, setGlobalConfig} from '@openid4vc/openid4vci';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {exportJWK, generateKeyPair, SignJWT} from 'jose';

// The live test server speaks http on 127.0.0.1 only; real issuers must be https.
setGlobalConfig({allowInsecureUrls: true});

async function main(offerLink, txCode, configurationId) {
  const {publicKey, privateKey} = await generateKeyPair('EdDSA', {crv: 'Ed25519', extractable: true});
  const publicJwk = await exportJWK(publicKey);
  const multikey = await Ed25519Multikey.fromJwk({jwk: publicJwk});
  const holder = `did:key:${multikey.publicKeyMultibase}`;
  const didUrl = `${holder}#${multikey.publicKeyMultibase}`;

  const client = new Openid4vciClient({callbacks: {
    fetch,
    hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
    generateRandom: length => new Uint8Array(crypto.randomBytes(length)),
    clientAuthentication: clientAuthenticationNone({clientId: 'badgehub-interop-wallet'}),
    signJwt: async (signer, {header, payload}) => ({
      jwt: await new SignJWT(payload).setProtectedHeader(header).sign(privateKey),
      signerJwk: publicJwk,
    }),
  }});

  const offer = await client.resolveCredentialOffer(offerLink);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, txCode: txCode || undefined,
  });
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata, credentialConfigurationId: configurationId, nonce,
    signer: {method: 'did', didUrl, alg: 'EdDSA'},
  });
  const {credentialResponse} = await client.retrieveCredentials({
    issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configurationId,
    proofs: {jwt: [jwt]},
  });
  const credential = credentialResponse.credentials[0].credential;
  return {
    holder, credential, version: issuerMetadata.originalDraftVersion,
    format: issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId].format,
  };
}

main(...process.argv.slice(2)).then(report => {
  console.log(JSON.stringify(report, null, 2));
  process.exit(0);
}, error => {
  const detail = error.errorResponse ?? error.responseText ?? '';
  console.log(JSON.stringify({errors: [`${error.name}: ${error.message} ${JSON.stringify(detail)}`]}, null, 2));
  process.exit(1);
});
