/** The language model as a training kind (../job.ts): its text, its task, its resume points. */
import { weightEntries } from '../../model/weights.js';
import { type LmSettings, resolveLmConfig, settingsOrSetupError } from '../config.js';
import type { PreparedTask, TrainingKind } from '../kind.js';
import type { LmJobSpec } from '../jobSpec.js';
import { loadText } from './corpus.js';
import { type LmResumePoint, createLanguageModelTask, loadLmResumePoint } from './setup.js';

export const lmKind: TrainingKind<LmJobSpec, LmResumePoint> = {
  testAtEnd: true,
  loadResumePoint: loadLmResumePoint,
  async prepare(spec, point): Promise<PreparedTask> {
    let text: Awaited<ReturnType<typeof loadText>>;
    let settings: LmSettings;
    try {
      settings = settingsOrSetupError(() => resolveLmConfig(spec.config));
      text = await loadText(spec.text);
    } catch (error) {
      point?.dispose();
      throw error;
    }
    const task = createLanguageModelTask(settings, text.documents, text.sha256, point);
    const parameters = weightEntries(task.model.weights).reduce((n, [, v]) => n + v.size, 0);
    return { task, settings, vocabSize: task.model.config.vocabSize, parameters, warnings: [] };
  },
};
