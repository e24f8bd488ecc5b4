// Generated container names (adjective_scientist, as Docker's namesgenerator).
import type { ContainerStore } from './store.js';

const ADJECTIVES = ['admiring', 'brave', 'calm', 'eager', 'focused', 'gallant', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'quirky', 'serene', 'tender', 'vibrant', 'wizardly', 'zealous', 'bold', 'clever'];
const NAMES = ['albattani', 'babbage', 'curie', 'darwin', 'euclid', 'fermi', 'galileo', 'hopper', 'kepler', 'lovelace', 'meitner', 'newton', 'pasteur', 'ritchie', 'shannon', 'turing', 'wozniak', 'yalow', 'noether', 'hypatia'];

function randomName(): string {
  const a = ADJECTIVES[Math.floor(Math.random() * ADJECTIVES.length)];
  const n = NAMES[Math.floor(Math.random() * NAMES.length)];
  return `${a}_${n}${Math.random() < 0.5 ? '' : Math.floor(Math.random() * 10)}`;
}

/** A random name no container has. */
export function generateName(store: ContainerStore): string {
  for (;;) {
    const n = randomName();
    if (!store.nameInUse(n)) return n;
  }
}
