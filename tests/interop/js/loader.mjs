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

// did:web -> the URL the did:web method defines (host, %3A-encoded port, path
// segments as ':', + /did.json). Tests only: a loopback host is asked over http, as
// the live test server speaks nothing else; anything else stays https (and offline).
export function didWebUrl(did) {
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  const authority = decodeURIComponent(host);
  const hostname = authority.replace(/:\d+$/, '');
  const scheme = LOOPBACK.has(hostname) ? 'http' : 'https';
  const tail = path.length ? path.map(decodeURIComponent).join('/') : '.well-known';
  return `${scheme}://${authority}/${tail}/did.json`;
}

export async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: didKeyDocument(url)};
  }
  if(url.startsWith('did:web:')) {
    const [did] = url.split('#');
    const {document} = await documentLoader(didWebUrl(did));
    if(document.id !== did) {
      throw new Error(`DID document of ${document.id} served for ${did}`);
    }
    if(url.includes('#')) {
      const method = [].concat(document.verificationMethod || []).find(m => m.id === url);
      if(!method) {
        throw new Error(`unknown verification method ${url}`);
      }
      return {contextUrl: null, documentUrl: url, document: {'@context': document['@context'], ...method}};
    }
    return {contextUrl: null, documentUrl: url, document};
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
