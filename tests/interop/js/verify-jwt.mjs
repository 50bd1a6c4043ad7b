// Verify an OB 3.0 VC-JWT with an independent JOSE library (npm "jose"): the kid
// is dereferenced to its JWK through the DID document (did:web resolved against our
// live server by loader.mjs), then the claims are checked against the credential as
// OB 3.0 §8.2 lists, and the Bitstring status list with Digital Bazaar's stack.
//
//   node verify-jwt.mjs FILE   (a .jwt text file, or a baked PNG/SVG)
// Prints a JSON result; exit code 0 when verified, 1 when not.
import {decodeProtectedHeader, importJWK, jwtVerify} from 'jose';

import {extractBadge} from './extract.mjs';
import {fetched} from './loader.mjs';
import {compromised, micros, verificationMethod} from './keys.mjs';
import {checkStatus} from './verify.mjs';

const REGISTERED = ['iss', 'sub', 'jti', 'nbf', 'exp', 'iat', 'aud'];

function seconds(date) {
  return Number(micros(date) / 1000000n);
}

async function verifyJwt(token) {
  const header = decodeProtectedHeader(token);
  if(!['RS256', 'EdDSA'].includes(header.alg) || !header.kid) {
    return {verified: false, errors: [`unsupported header ${JSON.stringify(header)}`]};
  }
  const method = await verificationMethod(header.kid);
  if(!method.publicKeyJwk) {
    return {verified: false, errors: [`${header.kid} does not dereference to a JWK`]};
  }
  const key = await importJWK(method.publicKeyJwk, header.alg);
  // jose checks the signature, then nbf and exp against now.
  const {payload} = await jwtVerify(token, key, {algorithms: [header.alg]});
  const credential = payload.vc || Object.fromEntries(Object.entries(payload).filter(([k]) => !REGISTERED.includes(k)));
  const errors = [];
  const issuerId = typeof credential.issuer === 'object' ? credential.issuer.id : credential.issuer;
  if(payload.iss !== issuerId) errors.push('iss does not match issuer.id');
  if(method.controller !== issuerId) errors.push('the key is not controlled by the issuer');
  if(credential.id && payload.jti !== credential.id) errors.push('jti does not match id');
  const subject = [].concat(credential.credentialSubject)[0] || {};
  if(subject.id && payload.sub !== subject.id) errors.push('sub does not match credentialSubject.id');
  const validFrom = credential.validFrom || credential.issuanceDate;
  if(payload.nbf !== seconds(validFrom)) errors.push('nbf does not match validFrom');
  const validUntil = credential.validUntil || credential.expirationDate;
  if(validUntil && payload.exp !== seconds(validUntil)) errors.push('exp does not match validUntil');
  const signedAt = payload.iat ?? payload.nbf;
  const why = compromised(method, signedAt === undefined ? null : BigInt(Math.round(signedAt * 1e6)));
  if(why) errors.push(why);
  const status = await checkStatus({credential});
  if(!status.verified) errors.push(`status: ${status.error}`);
  return {verified: errors.length === 0, errors, alg: header.alg};
}

verifyJwt(extractBadge(process.argv[2])).then(result => {
  console.log(JSON.stringify({...result, fetched}, null, 2));
  process.exit(result.verified ? 0 : 1);
}, error => {
  console.log(JSON.stringify({verified: false, errors: [`${error.name}: ${error.message}`], fetched}, null, 2));
  process.exit(1);
});
