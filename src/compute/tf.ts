/**
 * The one TensorFlow.js instance the core uses. Everything imports `tf` from here so that the backend chosen
 * by ./backend (tfjs-node-gpu, tfjs-node, wasm or cpu) is the backend every model runs on.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
