/** The handset's screens. Each capability adds its own. */
export type Screen = 'home' | 'settings' | 'settings/about';

export const screenTitles: Record<Screen, string> = {
  home: 'Home',
  settings: 'Settings',
  'settings/about': 'About phone',
};

/** A stack of screens, like a phone's back button. */
export class NavigationState {
  stack = $state<Screen[]>(['home']);
  current = $derived(this.stack[this.stack.length - 1] ?? 'home');

  open(screen: Screen): void {
    this.stack.push(screen);
  }

  back(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  home(): void {
    this.stack = ['home'];
  }
}
