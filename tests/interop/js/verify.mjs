// Verify an OB 3.0 credential (eddsa-rdfc-2022 Data Integrity proof) with
// Digital Bazaar's VC stack, offline except for our loopback server. FILE may be a
// baked PNG or SVG: the credential is extracted first (extract.mjs).
//
//   node verify.mjs [FILE]          (stdin when no FILE)
//   node verify.mjs --bench N FILE  (verify N times, print timings in ms)
//
// Prints a JSON result; exit code 0 when verified, 1 when not.
import {readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';

import {documentLoader, fetched} from './loader.mjs';
import {extractBadge} from './extract.mjs';
import {compromised, micros, verificationMethod} from './keys.mjs';

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

// Bitstring Status List check by Digital Bazaar's own implementation: it loads
// the list credential, verifies its proof, requires the same issuer as the
// credential's, and reads the bit. It reports the bit; a set bit fails here.
export async function checkStatus({credential, documentLoader: loader = documentLoader, suite: listSuite = suite}) {
  const result = await checkBitstringStatus({credential, documentLoader: loader, suite: listSuite});
  if(!result.verified) {
    const why = result.error ? result.error.message : 'status check failed';
    return {verified: false, error: why, results: result.results};
  }
  for(const {credentialStatus, status} of result.results) {
    if(status) {
      return {verified: false, error: `${credentialStatus.statusPurpose} bit set`, results: result.results};
    }
  }
  return result;
}

export async function verify(credential) {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  // Their stack does not read a verification method's "revoked": that rule is ours to add.
  if(result.verified) {
    const proof = [].concat(credential.proof)[0];
    const why = compromised(await verificationMethod(proof.verificationMethod),
      proof.created ? micros(proof.created) : null);
    if(why) {
      return {verified: false, error: new Error(why)};
    }
  }
  return result;
}

function errorText(result) {
  const errors = [];
  const collect = value => {
    if(!value) {
      return;
    }
    if(Array.isArray(value)) {
      value.forEach(collect);
    } else if(value instanceof Error || value.message) {
      const event = value.details && value.details.event;
      const why = event ? ` (${event.code}: ${JSON.stringify(event.details)})` : '';
      errors.push(`${value.name || 'Error'}: ${value.message}${why}`);
      collect(value.errors);
    }
  };
  collect(result.error);
  for(const r of result.results || []) {
    collect(r.error);
  }
  if(result.statusResult && !result.statusResult.verified) {
    errors.push(`status: ${result.statusResult.error}`);
  }
  return errors;
}

async function main(argv) {
  let bench = 0;
  if(argv[0] === '--bench') {
    bench = Number(argv[1]);
    argv = argv.slice(2);
  }
  const text = argv[0] ? extractBadge(argv[0]) : readFileSync(0, 'utf8');
  const credential = JSON.parse(text);
  if(bench) {
    await verify(credential); // warm-up: loads contexts and keys once
    const times = [];
    for(let i = 0; i < bench; i++) {
      const start = performance.now();
      const result = await verify(credential);
      times.push(performance.now() - start);
      if(!result.verified) {
        throw new Error('credential stopped verifying during the bench');
      }
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({runs: bench, median_ms: times[bench >> 1], min_ms: times[0], times_ms: times}));
    return 0;
  }
  const result = await verify(credential);
  console.log(JSON.stringify({
    verified: result.verified,
    errors: errorText(result),
    fetched,
  }, null, 2));
  return result.verified ? 0 : 1;
}

// Run as a script, not when verify-jwt.mjs borrows checkStatus.
if(import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(code => process.exit(code), error => {
    console.log(JSON.stringify({verified: false, errors: [`${error.name}: ${error.message}`]}, null, 2));
    process.exit(1);
  });
}
