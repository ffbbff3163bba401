/** The offline ImageGenerator (a compositor) and its cut-out. */
export { createLocalCompositor, LOCAL_COMPOSITOR_ID, MAX_CLEAN_ENLARGEMENT } from './compositor.js';
export { cutOutProduct, CUTOUT_LIMITS, type CutOut, type CutOutMeasurements, type CutOutOptions } from '../../../imaging/cutout.js';
