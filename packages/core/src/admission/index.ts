export {
  ADMISSION_MODES,
  admissionTransition,
  type AdmissionMode,
  type AdmissionState,
  type Watermarks,
} from './admission-transition.js';
export {
  resolveAdmissionOptions,
  initialAdmissionState,
  DEFAULT_SHED_PRIORITIES,
  type AdmissionControllerOptions,
  type ResolvedAdmissionOptions,
} from './admission-options.js';
export { AdmissionController, type AdmissionDecision } from './admission-controller.js';
