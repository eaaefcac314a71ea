import { hasQuorum } from './quorum';

const members = (alive: number, dead: number) => [
  ...Array.from({ length: alive }, (_, index) => ({ name: `alive-${index}`, alive: true })),
  ...Array.from({ length: dead }, (_, index) => ({ name: `dead-${index}`, alive: false })),
];

describe('quorum of the simulated datastore', () => {
  it.each([
    ['one member alive of one', 1, 0, true],
    ['one alive of two (a member lost without removal)', 1, 1, false],
    ['two alive of three', 2, 1, true],
    ['two alive of four', 2, 2, false],
    ['three alive of five', 3, 2, true],
    ['no members at all', 0, 0, false],
    ['the only member dead', 0, 1, false],
  ])('%s', (_behaviour, alive, dead, expected) => {
    expect(hasQuorum(members(alive, dead))).toBe(expected);
  });
});
