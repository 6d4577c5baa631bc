/** The language model as a training kind (../job.ts): its text, its task, its resume points. */
import { weightEntries } from '../../model/weights.js';
import { type LmSettings, resolveLmConfig, settingsOrSetupError } from '../config.js';
import type { PreparedTask, TrainingKind } from '../kind.js';
import type { LmJobSpec } from '../jobSpec.js';
import { type LoadedLanguageModelCheckpoint, loadLanguageModelCheckpoint } from '../../model/checkpoint/index.js';
import { loadParentCheckpoint } from '../parentCheckpoint.js';
import { parallelLmTask } from '../parallel/coordinator.js';
import { onReplicas } from '../parallel/parallelize.js';
import { loadText } from './corpus.js';
import { type LmResumePoint, createLanguageModelTask, loadLmResumePoint } from './setup.js';

export const lmKind: TrainingKind<LmJobSpec, LmResumePoint> = {
  testAtEnd: true,
  loadResumePoint: loadLmResumePoint,
  async prepare(spec, point): Promise<PreparedTask> {
    let text: Awaited<ReturnType<typeof loadText>>;
    let settings: LmSettings;
    let parent: LoadedLanguageModelCheckpoint | null = null;
    try {
      settings = settingsOrSetupError(() => resolveLmConfig(spec.config));
      text = await loadText(spec.text);
      // A resumed fine-tuning run has everything in its own checkpoint; a fresh one starts from its parent.
      if (!point && spec.parent) parent = await loadParentCheckpoint(spec.parent, loadLanguageModelCheckpoint);
    } catch (error) {
      point?.dispose();
      throw error;
    }
    const inner = createLanguageModelTask(settings, text.documents, text.sha256, point, parent);
    const parameters = weightEntries(inner.model.weights).reduce((n, [, v]) => n + v.size, 0);
    // One thread trains in this thread as it always has; more start replica threads (../parallel).
    const { task, replicas } = await onReplicas(inner, spec, settings.batch, (t, n, options) => parallelLmTask(t, n, settings, options));
    return { task, settings, vocabSize: inner.model.config.vocabSize, parameters, replicas, warnings: [] };
  },
};
