import { mulberry32 } from '../prng.js';

// The seeded PRNG of test/helpers/prng.ts with the draws the simulator needs: the same seed
// gives the same timeline on every machine, so a failing property can be rerun from its seed.
export class Rng {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed >>> 0 || 0x9e3779b9);
  }

  // A uniform float in [0, 1).
  next(): number {
    return this.random();
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  // An integer in [min, max], both included.
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: no items');
    return items[Math.floor(this.next() * items.length)]!;
  }

  // A weighted choice: [[weight, value], …].
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [w, value] of choices) {
      if ((x -= w) < 0) return value;
    }
    return choices[choices.length - 1]![1];
  }

  // An independent stream derived from this one (so adding a draw in one place does not
  // reshuffle everything after it in another).
  fork(salt: number): Rng {
    return new Rng((Math.floor(this.next() * 4_294_967_296) ^ Math.imul(salt, 0x85ebca6b)) >>> 0);
  }
}
