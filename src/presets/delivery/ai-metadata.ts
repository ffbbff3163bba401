/**
 * Honest provenance metadata for every output: the IPTC Digital Source Type in XMP
 * (Iptc4xmpExt:DigitalSourceType, which Google Merchant Center reads and asks sellers to keep) and,
 * when a generated image may show a realistic person, the `contains-synthetic-performer` keyword in
 * dc:subject (Amazon's tag). Written as an XMP packet by sharp's encoder, read back in tests by exiftool.
 */
const IPTC_DST = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

/** The IPTC Digital Source Type terms hitline uses. */
export const DIGITAL_SOURCE_TYPES = {
  /** Made by a generative model (the cloud generator). */
  trainedAlgorithmicMedia: `${IPTC_DST}trainedAlgorithmicMedia`,
  /** A composite in which at least one element is synthetic: the offline compositor's real cut-out in a made-up scene. */
  compositeSynthetic: `${IPTC_DST}compositeSynthetic`,
  /** A composite that includes generative-AI elements: staged mode, real cut-out pasted into a model-made scene. */
  compositeWithTrainedAlgorithmicMedia: `${IPTC_DST}compositeWithTrainedAlgorithmicMedia`,
  /**
   * "Modification or correction by algorithm without changing the main content": a main image, the real
   * product photo whose backdrop was replaced by white; the product's pixels are the camera's.
   */
  algorithmicallyEnhanced: `${IPTC_DST}algorithmicallyEnhanced`,
} as const;
export type DigitalSourceTypeName = keyof typeof DIGITAL_SOURCE_TYPES;

export const SYNTHETIC_PERFORMER_TAG = 'contains-synthetic-performer';

export interface OutputProvenance {
  sourceType: DigitalSourceTypeName;
  /** Tag dc:subject with contains-synthetic-performer (Amazon asks for it on realistic AI people). */
  syntheticPerformer: boolean;
  /** Extra dc:subject keywords. */
  keywords?: readonly string[];
  /** A one-line dc:description. */
  description?: string;
}

/** The XMP packet for sharp's `withXmp`. All user text is XML-escaped. */
export function buildXmpPacket(p: OutputProvenance): string {
  const subjects = [...(p.syntheticPerformer ? [SYNTHETIC_PERFORMER_TAG] : []), ...(p.keywords ?? [])];
  const subjectXml = subjects.length
    ? `<dc:subject><rdf:Bag>${subjects.map((s) => `<rdf:li>${escapeXml(s)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>`
    : '';
  const descriptionXml = p.description
    ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(p.description)}</rdf:li></rdf:Alt></dc:description>`
    : '';
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about=""',
    ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"',
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"',
    ' xmlns:xmp="http://ns.adobe.com/xap/1.0/">',
    `<Iptc4xmpExt:DigitalSourceType>${DIGITAL_SOURCE_TYPES[p.sourceType]}</Iptc4xmpExt:DigitalSourceType>`,
    '<xmp:CreatorTool>hitline</xmp:CreatorTool>',
    subjectXml,
    descriptionXml,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('');
}

/** Words in a brief or prompt that say a person will be in the picture. */
const PERSON_WORDS = /\b(model|models|person|people|woman|women|man|men|girl|boy|wearing|worn|wears|portrait|influencer)\b|模特|人物|穿着/i;

/**
 * Whether to tag an image as containing a synthetic performer: only generative-model images can, and only
 * when the brief or prompt asks for a person. Over-tagging is the safe side (Amazon penalises missing tags).
 */
export function mayShowSyntheticPerson(sourceType: DigitalSourceTypeName, texts: readonly string[]): boolean {
  if (sourceType !== 'trainedAlgorithmicMedia') return false;
  return texts.some((t) => PERSON_WORDS.test(t));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}
