import assert from "node:assert/strict";
import { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe, sharpeVariance } from "./deflated_sharpe.ts";

Deno.test("deflatedSharpe() reproduces the worked example of Bailey & López de Prado (2014), computed by hand", () => {
  // Paper's example: annualised SR 2.5 on T = 1250 daily returns (250 a year), N = 100 trials whose
  // annualised Sharpe ratios have variance 0.5, returns with skew -3 and kurtosis 10. The paper reports DSR ~ 0.90.
  //
  // By hand, in per-period (daily) units:
  //   SR      = 2.5 / sqrt(250)                         = 0.158113883
  //   V       = 0.5 / 250                               = 0.002,  sqrt(V) = 0.0447213595
  //   Z1      = Phi^-1(1 - 1/100)                       = 2.326347874
  //   Z2      = Phi^-1(1 - 1/(100 e))                   = 2.680210445
  //   SR0     = sqrt(V) ((1 - 0.5772157) Z1 + 0.5772157 Z2)
  //           = 0.0447213595 (0.4227843 * 2.326347874 + 0.5772157 * 2.680210445)
  //           = 0.0447213595 (0.983543 + 1.547059)     = 0.1131720
  //   denom   = sqrt(1 - (-3)(0.158113883) + (10 - 1)/4 * 0.158113883^2)
  //           = sqrt(1 + 0.474342 + 0.05625)           = sqrt(1.530592) = 1.237171
  //   z       = (0.158113883 - 0.1131720) sqrt(1249) / 1.237171
  //           = 0.0449419 * 35.341194 / 1.237171       = 1.283816
  //   DSR     = Phi(1.283816)                           = 0.900397
  const r = deflatedSharpe(
    { sharpe: 2.5 / Math.sqrt(250), nPeriods: 1250, skew: -3, kurtosis: 10 },
    100,
    0.5 / 250,
  );
  assert.ok(Math.abs(r.sr0 - 0.1131720) < 1e-6, `SR0 = ${r.sr0}`);
  assert.ok(Math.abs(r.dsr - 0.900397) < 1e-5, `DSR = ${r.dsr}`);
  assert.equal(r.nTrials, 100);
});

Deno.test("probabilisticSharpe() of normal returns is Phi(SR sqrt(T-1) / sqrt(1 + SR^2/2))", () => {
  // SR 0.1, T 101: z = 0.1 * 10 / sqrt(1.005) = 0.997509; Phi(0.997509) = 0.840741
  const p = probabilisticSharpe({ sharpe: 0.1, nPeriods: 101, skew: 0, kurtosis: 3 }, 0);
  assert.ok(Math.abs(p - 0.840741) < 1e-6, `PSR = ${p}`);
});

Deno.test("deflation grows with the number of trials and with their dispersion", () => {
  const s = { sharpe: 0.05, nPeriods: 2000, skew: 0, kurtosis: 3 };
  const few = deflatedSharpe(s, 2, 0.0004).dsr;
  const many = deflatedSharpe(s, 50, 0.0004).dsr;
  const wide = deflatedSharpe(s, 50, 0.0016).dsr;
  assert.ok(few > many && many > wide, `${few} > ${many} > ${wide}`);
});

Deno.test("one trial is not deflated: DSR equals the PSR against zero", () => {
  const s = { sharpe: 0.05, nPeriods: 500, skew: -0.5, kurtosis: 6 };
  assert.equal(expectedMaxSharpe(1, 0.01), 0);
  assert.equal(deflatedSharpe(s, 1, 0.01).dsr, probabilisticSharpe(s, 0));
});

Deno.test("negative skew and fat tails lower the PSR of a positive Sharpe", () => {
  const normal = probabilisticSharpe({ sharpe: 0.05, nPeriods: 1000, skew: 0, kurtosis: 3 }, 0);
  const ugly = probabilisticSharpe({ sharpe: 0.05, nPeriods: 1000, skew: -2, kurtosis: 15 }, 0);
  assert.ok(ugly < normal);
});

Deno.test("probabilisticSharpe() refuses a too-short track and excess kurtosis that makes the variance negative", () => {
  assert.throws(
    () => probabilisticSharpe({ sharpe: 0.1, nPeriods: 1, skew: 0, kurtosis: 3 }, 0),
    /track length must be an integer >= 2, current value is 1/,
  );
  assert.throws(
    () => probabilisticSharpe({ sharpe: 2, nPeriods: 10, skew: 5, kurtosis: 1 }, 0),
    /kurtosis must be Pearson's/,
  );
  assert.throws(
    () => probabilisticSharpe({ sharpe: NaN, nPeriods: 10, skew: 0, kurtosis: 3 }, 0),
    /sharpe must be a finite number/,
  );
  assert.throws(() => expectedMaxSharpe(0, 0.1), /positive integer, current value is 0/);
});

Deno.test("sharpeVariance() is the sample variance and 0 for fewer than two trials", () => {
  assert.equal(sharpeVariance([]), 0);
  assert.equal(sharpeVariance([0.3]), 0);
  assert.ok(Math.abs(sharpeVariance([0.1, 0.2, 0.6]) - 0.07) < 1e-15);
});
