import { IsIn } from 'class-validator';

/** The one spelling of every on/off setting, so that no setting takes `true` while its neighbour wants `on`. */
export const SWITCH = ['on', 'off'] as const;
export type Switch = (typeof SWITCH)[number];

export function IsSwitch(): PropertyDecorator {
  return IsIn(SWITCH, { message: 'must be on or off' });
}
