/** A rune class whose effect records every value of `n`: proves effects run in unit tests. */
export class EffectProbe {
  n = $state(0);
  seen: number[] = [];
  readonly stop = $effect.root(() => {
    $effect(() => {
      this.seen.push(this.n);
    });
  });
}
