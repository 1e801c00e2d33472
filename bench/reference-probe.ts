/**
 * Preloaded (`--import`) into the unmodified reference server so the runner can ask it for
 * its memory and event-loop delay over IPC, the same way it asks ours.
 */
import { answerRunner } from './probe'

answerRunner(() => null)
