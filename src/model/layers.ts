/** Builds the recurrent layer object for a cell kind (see ./recurrent.ts). */
import type { tf } from '../compute/tf.js';
import { GruLayer } from './gru.js';
import { LstmLayer } from './lstm.js';
import type { LayerOptions, RecurrentLayer } from './recurrent.js';
import type { CellKind, RecurrentLayerWeights } from './types.js';

export function createLayer(
  kind: CellKind,
  weights: RecurrentLayerWeights<tf.Tensor>,
  options: LayerOptions = {},
): RecurrentLayer {
  return kind === 'lstm' ? new LstmLayer(weights, options) : new GruLayer(weights, options);
}
