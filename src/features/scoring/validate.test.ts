// Framework validation: each rule refuses with a message naming the dimension or indicator and the rule.
import { describe, expect, it } from 'vitest';
import { GOLDEN_FRAMEWORK } from './golden.fixture.ts';
import { validateFramework } from './validate.ts';

const copy = () => JSON.parse(JSON.stringify(GOLDEN_FRAMEWORK));

describe('validateFramework', () => {
  it('accepts the golden framework', () => {
    expect(validateFramework(copy())).toEqual([]);
  });

  it('refuses dimension weights that do not add up', () => {
    const f = copy();
    f.variants[0].dimensions[1].weight = 40;
    expect(validateFramework(f)).toContainEqual({ path: '/variants/0/dimensions', message: 'category window_service: dimension weights add up to 90%, not 100%' });
  });

  it('refuses indicator weights that do not add up, naming the dimension', () => {
    const f = copy();
    f.variants[1].dimensions[1].indicators[0].weight = 60;
    expect(validateFramework(f)).toContainEqual({ path: '/variants/1/dimensions/1/indicators', message: 'dimension fair (公正用权) in category law_enforcement: indicator weights add up to 110%, not 100%' });
  });

  it('refuses a broken floor', () => {
    const f = copy();
    f.variants[1].dimensions[0].weight = 20;
    f.variants[1].dimensions[1].weight = 80;
    expect(validateFramework(f)).toEqual([{ path: '/variants/1/dimensions/0/weight', message: 'dimension political (政治建设) in category law_enforcement: weight 20% is below its floor of 30%' }]);
  });

  it('refuses a bonus over its cap', () => {
    const f = copy();
    f.variants[0].items[1].cap = 25;
    expect(validateFramework(f)).toEqual([{ path: '/variants/0/items/1/cap', message: 'bonus item commend (受到表彰): cap 25 is over the bonus part\'s cap of 20' }]);
  });

  it('refuses a structure that is not out of 100, bands out of order, a quota on an unknown band', () => {
    const f = copy();
    f.structure.basic = 70;
    f.bands = [f.bands[1], f.bands[0], f.bands[2], f.bands[3]];
    f.quota.band = 'gold';
    const paths = validateFramework(f).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/structure', '/bands/1/min', '/quota/band']));
  });

  it('names unknown metrics and events when the catalogue is known, and bad curves', () => {
    const f = copy();
    f.variants[0].dimensions[1].indicators[1].curve.steps[1].threshold = 95;
    const errors = validateFramework(f, { metrics: ['on_time_completion_rate'], events: ['training_completed'] });
    expect(errors).toContainEqual({ path: '/variants/0/dimensions/1/indicators/1/metric', message: 'indicator sat (满意度): unknown metric satisfaction_index' });
    expect(errors).toContainEqual({ path: '/variants/0/items/1/event', message: 'bonus item commend (受到表彰): unknown event type commended' });
    expect(errors).toContainEqual({ path: '/variants/0/dimensions/1/indicators/1/curve/steps/1', message: 'indicator sat (满意度): steps must go from the best threshold to the worst' });
  });

  it('refuses a non-object and missing parts without throwing', () => {
    expect(validateFramework(null)).toHaveLength(1);
    expect(validateFramework({}).length).toBeGreaterThan(3);
  });
});
