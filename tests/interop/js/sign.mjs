// Sign an unsigned OB 3.0 credential with a fresh Ed25519 Multikey, eddsa-rdfc-2022,
// using Digital Bazaar's stack. The issuer becomes a did:key (any verifier resolves
// the key from the DID itself), or the did:web given, whose DID document is printed
// too (the test serves it where did:web resolution looks).
//
//   node sign.mjs [FILE]                -> signed credential JSON on stdout
//   node sign.mjs --did-web DID FILE    -> {"credential": ..., "didDocument": ...}
import {readFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {documentLoader} from './loader.mjs';

let args = process.argv.slice(2);
let didWeb = '';
if(args[0] === '--did-web') {
  didWeb = args[1];
  args = args.slice(2);
}
const text = args[0] ? readFileSync(args[0], 'utf8') : readFileSync(0, 'utf8');
const credential = JSON.parse(text);
delete credential.proof;

const keyPair = await Ed25519Multikey.generate();
const did = didWeb || `did:key:${keyPair.publicKeyMultibase}`;
keyPair.controller = did;
keyPair.id = didWeb ? `${did}#key-1` : `${did}#${keyPair.publicKeyMultibase}`;

if(typeof credential.issuer === 'object') {
  credential.issuer = {...credential.issuer, id: did};
} else {
  credential.issuer = did;
}

const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
const signed = await vc.issue({credential, suite, documentLoader});
if(didWeb) {
  const {publicKeyMultibase} = await keyPair.export({publicKey: true});
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{id: keyPair.id, type: 'Multikey', controller: did, publicKeyMultibase}],
    assertionMethod: [keyPair.id],
  };
  console.log(JSON.stringify({credential: signed, didDocument}, null, 2));
} else {
  console.log(JSON.stringify(signed, null, 2));
}
