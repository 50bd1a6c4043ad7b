// Offline JSON-LD document loader for the interop scripts.
//
// Contexts come from the files badgehub ships (badges/openbadges/contexts/, map
// passed as JSON in BADGEHUB_CONTEXTS: {url: absolute path}) or, for the
// security vocabulary that jsonld-signatures frames controller documents with,
// from the copies bundled in its npm packages. Only loopback http(s) URLs (our
// live test server: keys, issuer profiles, status lists) reach the network.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const securityContext = require('@digitalbazaar/security-context');
const {contexts: credentialsContexts} = await import('@digitalbazaar/credentials-context');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function shippedContexts() {
  const map = new Map();
  for(const [url, context] of securityContext.contexts) {
    map.set(url, context);
  }
  for(const [url, context] of credentialsContexts) {
    map.set(url, context);
  }
  // badgehub's own copies win: they are what our signatures were made over
  const fileMap = JSON.parse(process.env.BADGEHUB_CONTEXTS || '{}');
  for(const [url, path] of Object.entries(fileMap)) {
    map.set(url, JSON.parse(readFileSync(path, 'utf8')));
  }
  return map;
}

const CONTEXTS = shippedContexts();
export const fetched = [];

// did:key (Ed25519 only) resolved from the DID itself, as the did:key spec says.
function didKeyDocument(url) {
  const [did] = url.split('#');
  const multibase = did.slice('did:key:'.length);
  if(!multibase.startsWith('z6Mk')) {
    throw new Error(`unsupported did:key ${did}`);
  }
  const method = {id: `${did}#${multibase}`, type: 'Multikey', controller: did, publicKeyMultibase: multibase};
  if(url.includes('#')) {
    if(url !== method.id) {
      throw new Error(`unknown verification method ${url}`);
    }
    return {'@context': 'https://w3id.org/security/multikey/v1', ...method};
  }
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [method],
    assertionMethod: [method.id],
    authentication: [method.id],
  };
}

export async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: didKeyDocument(url)};
  }
  const parsed = new URL(url);
  if((parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK.has(parsed.hostname)) {
    const target = url.split('#')[0];
    const response = await fetch(target, {headers: {Accept: 'application/ld+json, application/json'}});
    if(!response.ok) {
      throw new Error(`HTTP ${response.status} for ${target}`);
    }
    fetched.push(target);
    const document = await response.json();
    if(url.includes('#') && document.id !== url) {
      // a fragment names one verification method inside a controller document
      for(const key of ['verificationMethod', 'assertionMethod']) {
        for(const item of [].concat(document[key] || [])) {
          if(typeof item === 'object' && item.id === url) {
            return {contextUrl: null, documentUrl: url, document: {'@context': document['@context'], ...item}};
          }
        }
      }
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`offline: refusing to load ${url}`);
}
