// Play Learner Credential Wallet against a live badgehub: open the deep link, run the
// VC-API exchange as LCW does (digitalcredentials/learner-credential-wallet
// app/lib/exchanges.ts handleVcApiExchangeComplete: POST {} -> verifiablePresentationRequest,
// DIDAuthentication query -> a did:key holder signs an empty presentation with the request's
// challenge and domain -> POST {verifiablePresentation} to interact.service[0]), then verify
// the credential received with Digital Bazaar's stack (proof, did:web issuer, status list).
//
//   node lcw-wallet.mjs [--ed25519-2020] [--tamper] DEEP_LINK
// --tamper: change the presentation after signing it (the exchange must refuse it).
// --ed25519-2020: sign as LCW itself does, a VC 1.1 presentation with an
// Ed25519Signature2020 proof (Ed25519VerificationKey2020); else eddsa-rdfc-2022.
// Prints {holder, request, credential, verified, errors}; exit code 0 when verified.
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';

import {documentLoader} from './loader.mjs';
import {verify} from './verify.mjs';

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
  });
  const json = await response.json();
  if(!response.ok) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(json)}`);
  }
  return json;
}

async function holderSuite(legacy) {
  if(legacy) {
    const key = await Ed25519VerificationKey2020.generate();
    const holder = `did:key:${key.fingerprint()}`;
    key.controller = holder;
    key.id = `${holder}#${key.fingerprint()}`;
    return {holder, suite: new Ed25519Signature2020({key}), version: 1.0};
  }
  const keyPair = await Ed25519Multikey.generate();
  const holder = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = holder;
  keyPair.id = `${holder}#${keyPair.publicKeyMultibase}`;
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
  return {holder, suite, version: 2.0};
}

async function main(...args) {
  const legacy = args.includes('--ed25519-2020');
  const tamper = args.includes('--tamper');
  const deepLink = args.filter(arg => !arg.startsWith('--'))[0];
  const message = JSON.parse(new URL(deepLink).searchParams.get('request'));
  const exchangeUrl = message.protocols.vcapi;
  const {verifiablePresentationRequest: request} = await post(exchangeUrl, {});
  const queries = [].concat(request.query);
  if(!queries.some(q => q.type === 'DIDAuthentication')) {
    throw new Error(`no DIDAuthentication query: ${JSON.stringify(request)}`);
  }

  const {holder, suite, version} = await holderSuite(legacy);
  const presentation = await vc.signPresentation({
    presentation: vc.createPresentation({holder, version}),
    suite, challenge: request.challenge, domain: request.domain, documentLoader,
  });
  if(tamper) {
    presentation.id = 'urn:uuid:3f0e2c1a-0000-4000-8000-000000000000';
  }
  const endpoint = request.interact?.service?.[0]?.serviceEndpoint ?? exchangeUrl;
  const answer = await post(endpoint, {verifiablePresentation: presentation});
  const credential = [].concat(answer.verifiablePresentation.verifiableCredential)[0];
  const result = await verify(credential);
  const errors = [];
  if(!result.verified) {
    errors.push(String(result.error?.message ?? result.error ?? JSON.stringify(result.results)));
  }
  const subject = [].concat(credential.credentialSubject)[0];
  if(subject.id !== holder) {
    errors.push(`credentialSubject.id is ${subject.id}, not the holder ${holder}`);
  }
  return {holder, request, presentation, credential, verified: errors.length === 0, errors};
}

main(...process.argv.slice(2)).then(report => {
  console.log(JSON.stringify(report, null, 2));
  process.exit(report.verified ? 0 : 1);
}, error => {
  console.log(JSON.stringify({verified: false, errors: [`${error.name}: ${error.message}`]}, null, 2));
  process.exit(1);
});
