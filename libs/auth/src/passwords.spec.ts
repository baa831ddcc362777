import { hashPassword, needsRehash, parametersWithCost, parseHash, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('stores scrypt with its parameters and a salt of its own, and verifies only the same password', async () => {
    const first = await hashPassword('chè-tân-cương');
    const second = await hashPassword('chè-tân-cương');
    expect(first).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword('chè-tân-cương', first)).toBe(true);
    expect(await verifyPassword('chè-tân-cương', second)).toBe(true);
    expect(await verifyPassword('chè-tân-cuong', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('treats the composed and decomposed spellings of a Vietnamese password as one', async () => {
    const composed = 'mật khẩu'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it('verifies a hash made with other parameters, and asks for weaker ones to be redone', async () => {
    const weak = await hashPassword('mat-khau-cu', { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('mat-khau-cu', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('mat-khau-moi'))).toBe(false);
  });

  it('at a lower configured cost (tests), makes hashes at it and redoes only weaker ones', async () => {
    const cheap = parametersWithCost(10);
    expect(cheap).toEqual({ ln: 10, r: 8, p: 1 });
    const hash = await hashPassword('mat-khau-re', cheap);
    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword('mat-khau-re', hash, cheap)).toBe(true);
    expect(needsRehash(hash, cheap)).toBe(false);
    expect(needsRehash(await hashPassword('mat-khau-re'), cheap)).toBe(false);
    expect(needsRehash(await hashPassword('mat-khau-re', parametersWithCost(9)), cheap)).toBe(true);
    expect(await verifyPassword('mat-khau-re', null, cheap)).toBe(false);
  });

  it('answers false, after the same work, without a hash or with a malformed or greedy one', async () => {
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', undefined)).toBe(false);
    expect(await verifyPassword('x', 'plain text')).toBe(false);
    // a stored row asking for 2^30 iterations is refused, not run
    const greedy = (await hashPassword('x')).replace('ln=15', 'ln=30');
    expect(parseHash(greedy)).toBeUndefined();
    expect(await verifyPassword('x', greedy)).toBe(false);
  });
});
