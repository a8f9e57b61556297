import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from '../../../../src/kafka/local/java.js';

describe('parseJavaMajor', () => {
  it('reads modern and legacy `java -version` banners', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('java version "21" 2023-09-19 LTS')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "11.0.2-ea"')).toBe(11);
  });

  it('returns undefined for output that is not a version banner', () => {
    expect(parseJavaMajor('')).toBeUndefined();
    expect(parseJavaMajor('command not found')).toBeUndefined();
  });
});
