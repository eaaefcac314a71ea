import { object } from '../testing/objects';
import { admits, and, clusterUnpaused, generationChanged, hasWatchFilterLabel, not, notPaused, or, PAUSED_ANNOTATION, WATCH_FILTER_LABEL } from './predicates';

describe('predicates', () => {
  it('generationChanged lets through spec changes only', () => {
    expect(admits([generationChanged], 'update', object('a', { generation: 2 }), object('a', { generation: 1 }))).toBe(true);
    expect(admits([generationChanged], 'update', object('a', { generation: 1, resourceVersion: '9' }), object('a', { generation: 1 }))).toBe(false);
    expect(admits([generationChanged], 'create', object('a'))).toBe(true);
  });

  it('notPaused drops objects with the paused annotation', () => {
    expect(admits([notPaused], 'create', object('a', { annotations: { [PAUSED_ANNOTATION]: '' } }))).toBe(false);
    expect(admits([notPaused], 'generic', object('a'))).toBe(true);
  });

  it('clusterUnpaused lets the unpausing update through', () => {
    const cluster = (paused: boolean) => ({ ...object('c'), spec: { paused } });
    expect(admits([clusterUnpaused], 'create', cluster(true))).toBe(false);
    expect(admits([clusterUnpaused], 'update', cluster(false), cluster(true))).toBe(true);
    expect(admits([clusterUnpaused], 'update', cluster(true), cluster(true))).toBe(false);
  });

  it.each([
    // [filter value, object label, admitted]
    [undefined, undefined, true],
    ['team-a', 'team-a', true],
    ['team-a', 'team-b', false],
    ['team-a', undefined, false],
  ])('watch filter %s admits label %s: %s', (value, label, expected) => {
    const labelled = object('a', label ? { labels: { [WATCH_FILTER_LABEL]: label } } : {});
    expect(admits([hasWatchFilterLabel(value)], 'create', labelled)).toBe(expected);
  });

  it('combines with and/or/not', () => {
    const paused = object('a', { annotations: { [PAUSED_ANNOTATION]: 'true' } });
    expect(admits([and(notPaused, generationChanged)], 'create', paused)).toBe(false);
    expect(admits([or(notPaused, not(notPaused))], 'create', paused)).toBe(true);
  });
});
