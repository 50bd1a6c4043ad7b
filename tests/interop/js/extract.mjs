// Read the badge baked in an image, independently of badgehub's Python code:
//  - PNG: the iTXt chunk "openbadgecredential" (OB 3.0) or "openbadges" (OB 2.0),
//    chunks split by png-chunks-extract;
//  - SVG: <credential> / <assertion> in the Open Badges namespace, found by
//    namespace with @xmldom/xmldom (OB 3.0 §5.3.2 names https://purl.imsglobal.org/ob/v3p0;
//    badges baked before used http://openbadges.org), its text or its verify attribute.
import {readFileSync} from 'node:fs';
import {inflateSync} from 'node:zlib';

import extractChunks from 'png-chunks-extract';
import {DOMParser} from '@xmldom/xmldom';

const KEYWORDS = ['openbadgecredential', 'openbadges'];
const SVG_NAMESPACES = ['https://purl.imsglobal.org/ob/v3p0', 'http://openbadges.org'];

function iTXt(data) {
  // keyword \0 compression-flag method language \0 translated-keyword \0 text
  const zero = data.indexOf(0);
  const keyword = data.subarray(0, zero).toString('latin1');
  const compressed = data[zero + 1] === 1;
  const langEnd = data.indexOf(0, zero + 3);
  const translatedEnd = data.indexOf(0, langEnd + 1);
  const text = data.subarray(translatedEnd + 1);
  return {keyword, text: (compressed ? inflateSync(text) : text).toString('utf8')};
}

export function extractBadge(path) {
  const bytes = readFileSync(path);
  if(bytes.subarray(1, 4).toString('latin1') === 'PNG') {
    for(const chunk of extractChunks(new Uint8Array(bytes))) {
      if(chunk.name === 'iTXt') {
        const {keyword, text} = iTXt(Buffer.from(chunk.data));
        if(KEYWORDS.includes(keyword)) {
          return text;
        }
      }
    }
    throw new Error('no Open Badges iTXt chunk in this PNG');
  }
  const text = bytes.toString('utf8');
  if(text.trimStart().startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    for(const ns of SVG_NAMESPACES) {
      for(const name of ['credential', 'assertion']) {
        const [element] = Array.from(doc.getElementsByTagNameNS(ns, name));
        if(element) {
          return element.textContent.trim() || element.getAttribute('verify');
        }
      }
    }
    throw new Error('no Open Badges element in this SVG');
  }
  return text.trim();
}

// node extract.mjs FILE -> the embedded badge on stdout
if(import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(extractBadge(process.argv[2]));
}
