import { describe, expect, it } from 'vitest';
import { Listeners } from '../../../src/state/listeners.ts';

describe('Listeners', () => {
  it('tells every listener in the order added, and no longer after it unsubscribes', () => {
    const heard: string[] = [];
    const listeners = new Listeners<(event: string) => void>();
    const stopA = listeners.add((e) => heard.push(`a:${e}`));
    listeners.add((e) => heard.push(`b:${e}`));
    listeners.each((l) => l('1'));
    stopA();
    listeners.each((l) => l('2'));
    expect(heard).toEqual(['a:1', 'b:1', 'b:2']);
  });

  it('a listener that unsubscribes while being told does not make the next one miss the event', () => {
    const heard: string[] = [];
    const listeners = new Listeners<() => void>();
    const stopFirst = listeners.add(() => {
      heard.push('first');
      stopFirst();
    });
    listeners.add(() => heard.push('second'));
    listeners.each((l) => l());
    listeners.each((l) => l());
    expect(heard).toEqual(['first', 'second', 'second']);
  });
});
