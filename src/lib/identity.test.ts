import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, idNumberProblem, maskIdNumber, maskPhone, phoneProblem, maskAddress } from './identity.ts';

describe('ID numbers', () => {
  it('accepts a number whose check digit follows GB 11643', () => {
    // 11010519491231002X is the standard's own worked example.
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
  });
  it('refuses a wrong check digit, a bad date and a bad shape', () => {
    expect(idNumberProblem('110105194912310021')).toMatch(/check digit/);
    expect(idNumberProblem('110105194902310028')).toMatch(/birth date/);
    expect(idNumberProblem('1101051949')).toMatch(/17 digits/);
  });
  it('masks as the product specifies', () => {
    expect(maskIdNumber('110105194912311234')).toBe('110***********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskAddress('广东省广州市天河区体育西路1号')).toBe('广东省广州市****');
  });
  it('validates mobile numbers', () => {
    expect(phoneProblem('13812345678')).toBeNull();
    expect(phoneProblem('12812345678')).not.toBeNull();
    expect(phoneProblem('1381234567')).not.toBeNull();
  });
});
