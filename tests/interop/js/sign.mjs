// Sign an unsigned OB 3.0 credential with a fresh did:key Ed25519 Multikey,
// eddsa-rdfc-2022, using Digital Bazaar's stack. The issuer becomes the did:key
// (so any verifier can resolve the key from the DID itself).
//
//   node sign.mjs [FILE]   (stdin when no FILE) -> signed credential JSON on stdout
import {readFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {documentLoader} from './loader.mjs';

const text = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : readFileSync(0, 'utf8');
const credential = JSON.parse(text);
delete credential.proof;

const keyPair = await Ed25519Multikey.generate();
const did = `did:key:${keyPair.publicKeyMultibase}`;
keyPair.controller = did;
keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;

if(typeof credential.issuer === 'object') {
  credential.issuer = {...credential.issuer, id: did};
} else {
  credential.issuer = did;
}

const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
const signed = await vc.issue({credential, suite, documentLoader});
console.log(JSON.stringify(signed, null, 2));
