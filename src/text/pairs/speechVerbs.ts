/**
 * Verbs of saying, as a regular-expression alternation, for telling an attribution (`said he`, `Stephen
 * asked quietly`) from speech in the prose-dialogue rule.
 */
export const SPEECH_VERBS =
  'said|says|say|asked|asks|answered|answers|replied|replies|cried|cries|called|added|began|continued|went on|' +
  'repeated|returned|rejoined|observed|remarked|exclaimed|whispered|murmured|muttered|shouted|inquired|' +
  'enquired|demanded|laughed|sighed|interrupted|resumed|retorted|growled|grumbled|snapped|sneered|protested|' +
  'declared|explained|pleaded|urged|screamed|sobbed|groaned|pursued';

/** Of those, the ones that say the same speaker goes on. */
export const GOING_ON_VERBS = /^(?:continued|went on|resumed|added|repeated|pursued)$/u;
