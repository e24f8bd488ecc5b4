// Which stages a build runs: up to the target (`--target`, default the last), with `--label`s
// added to it, and of those only the target and the stages it reaches through FROM <stage> or
// COPY --from (dockerd skips the rest and counts only the needed steps).
import { InvalidArgumentError } from '../errors.js';
import { argEnv, BuildArgs } from './build-args.js';
import type { Instruction, InstructionOf, Stage } from './parser/index.js';
import type { BuildSession } from './session.js';

/** The stages up to the target, the target's index, and each named stage's index. */
export function selectStages(all: Stage[], target: string | undefined, labels: Record<string, string> = {}): { stages: Stage[]; targetIndex: number; indexByName: Map<string, number> } {
  const seen = new Set<string>();
  for (const s of all) {
    if (s.name && seen.has(s.name)) throw new InvalidArgumentError(`${s.name} stage name already used`);
    if (s.name) seen.add(s.name);
  }
  let targetIndex = all.length - 1;
  if (target) {
    targetIndex = all.findIndex((s) => s.name === target.toLowerCase());
    if (targetIndex < 0) throw new InvalidArgumentError(`target stage "${target}" could not be found`);
  }
  const stages = all.slice(0, targetIndex + 1);
  stages[targetIndex] = withLabels(stages[targetIndex], labels);
  const indexByName = new Map(stages.map((s, i) => [s.name, i] as [string, number]).filter(([n]) => n !== ''));
  return { stages, targetIndex, indexByName };
}

/** `--label`s become LABEL instructions at the end of the target stage (not expanded). */
function withLabels(stage: Stage, labels: Record<string, string>): Stage {
  const keys = Object.keys(labels).sort();
  if (!keys.length) return stage;
  const extra: Instruction[] = keys.map((k) => ({
    name: 'label' as const,
    code: `LABEL ${k}=${labels[k]}`,
    line: 0,
    endLine: 0,
    labels: [{ key: k, value: labels[k] }],
    noExpand: true,
  }));
  return { ...stage, commands: [...stage.commands, ...extra] };
}

/** The target and every earlier stage it reaches through FROM <stage> or COPY --from. */
export function neededStages(s: BuildSession, stages: Stage[], metaArgs: InstructionOf<'arg'>[], target: number): Set<number> {
  const meta = new BuildArgs(new Map(Object.entries(s.opts.buildArgs ?? {})));
  for (const a of metaArgs) {
    for (const d of a.args) {
      try {
        const env = argEnv(meta.allMeta());
        const v = d.value === undefined ? undefined : s.lex.processWord(d.value, env);
        meta.addMetaArg(d.key, v);
      } catch {}
    }
  }
  const metaEnv = argEnv(meta.allMeta());
  const needed = new Set<number>();
  const visit = (i: number): void => {
    if (needed.has(i)) return;
    needed.add(i);
    // FROM refers to earlier stages by name only; COPY --from also by index.
    try {
      const base = s.stageIndexByName.get(s.lex.processWord(stages[i].baseName, metaEnv).toLowerCase());
      if (base !== undefined && base < i) visit(base);
    } catch {}
    for (const c of stages[i].commands) {
      if (c.name !== 'copy' || !c.from) continue;
      const byName = s.stageIndexByName.get(c.from.toLowerCase());
      if (byName !== undefined && byName < i) visit(byName);
      else if (/^\d+$/.test(c.from) && Number(c.from) < i) visit(Number(c.from));
    }
  };
  visit(target);
  return needed;
}
