;; The hot loops of the boosting engine (lib/models/boosting_tree.ts), on quantised gradients.
;;
;; A row's gradient pair is 8 bytes: two i32, the quantised gradient and hessian. A histogram bin is one v128
;; of two i64 lanes: the sum of the gradients, and the sum of the hessians shifted left by `cb` bits plus the
;; row count in the low `cb` bits. A row's pair is widened to that form once ($wide), so one 16-byte add per row
;; and feature keeps gradient, hessian and count. Integer sums are exact, so a bin does not depend on the
;; order its rows are added in. Every pointer is a byte offset in the memory.
;;
;; Source of lib/models/hist_kernels_wasm.ts: `deno task build:kernels` (wat2wasm from Debian's wabt) rebuilds it.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The pair at p widened to a bin's form: (g, (h << cb) | 1), with m = (1, 2^cb).
  (func $wide (param $p i32) (param $m v128) (result v128)
    (i64x2.add (i64x2.mul (i64x2.extend_low_i32x4_s (v128.load64_zero (local.get $p))) (local.get $m))
      (v128.const i64x2 0 1)))

  ;; (1, 2^cb)
  (func $mul (param $cb i32) (result v128)
    (i64x2.replace_lane 1 (v128.const i64x2 1 1) (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $cb)))))

  ;; hist += pairs[s] at bin rows[idx[s] * S + offs[b]] of local feature b (bins of 16 bytes, 256 per
  ;; feature), for positions s in [lo, hi) and local features b < nf (any features: a list of offsets).
  (func (export "fill_list")
        (param $hist i32) (param $rows i32) (param $S i32) (param $idx i32) (param $pairs i32)
        (param $lo i32) (param $hi i32) (param $offs i32) (param $nf i32) (param $cb i32)
    (local $s i32) (local $base i32) (local $k i32) (local $o i32) (local $oEnd i32) (local $a i32)
    (local $v v128) (local $m v128)
    (if (i32.or (i32.ge_u (local.get $lo) (local.get $hi)) (i32.eqz (local.get $nf))) (then (return)))
    (local.set $m (call $mul (local.get $cb)))
    (local.set $oEnd (i32.add (local.get $offs) (i32.shl (local.get $nf) (i32.const 2))))
    (local.set $s (local.get $lo))
    (loop $row
      (local.set $base (i32.add (local.get $rows)
        (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $s) (i32.const 2)))) (local.get $S))))
      (local.set $v (call $wide (i32.add (local.get $pairs) (i32.shl (local.get $s) (i32.const 3))) (local.get $m)))
      (local.set $k (local.get $hist))
      (local.set $o (local.get $offs))
      (loop $feat
        (local.set $a (i32.add (local.get $k)
          (i32.shl (i32.load8_u (i32.add (local.get $base) (i32.load (local.get $o)))) (i32.const 4))))
        (v128.store (local.get $a) (i64x2.add (v128.load (local.get $a)) (local.get $v)))
        (local.set $k (i32.add (local.get $k) (i32.const 4096)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br_if $feat (i32.lt_u (local.get $o) (local.get $oEnd))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $s) (local.get $hi)))))

  ;; big -= small, lane-wise, over n bytes (a multiple of 16).
  (func (export "subtract") (param $big i32) (param $small i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $big) (local.get $n)))
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $l
      (v128.store (local.get $big) (i64x2.sub (v128.load (local.get $big)) (v128.load (local.get $small))))
      (local.set $big (i32.add (local.get $big) (i32.const 16)))
      (local.set $small (i32.add (local.get $small) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $big) (local.get $e)))))

  ;; idx[s] = i and pairs[s] = q[i] for s in [lo, hi), where i = sample[s] (sample != 0) or s.
  (func (export "gather")
        (param $idx i32) (param $pairs i32) (param $q i32) (param $sample i32) (param $lo i32) (param $hi i32)
    (local $s i32) (local $i i32)
    (if (i32.ge_u (local.get $lo) (local.get $hi)) (then (return)))
    (local.set $s (local.get $lo))
    (loop $l
      (local.set $i (if (result i32) (local.get $sample)
        (then (i32.load (i32.add (local.get $sample) (i32.shl (local.get $s) (i32.const 2)))))
        (else (local.get $s))))
      (i32.store (i32.add (local.get $idx) (i32.shl (local.get $s) (i32.const 2))) (local.get $i))
      (i64.store (i32.add (local.get $pairs) (i32.shl (local.get $s) (i32.const 3)))
        (i64.load (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $s) (local.get $hi)))))

;; A bin-form sum as three f64 at out: gradient, hessian (quantised units) and count.
  (func $storeSums (param $acc v128) (param $cb i32) (param $out i32)
    (local $l1 i64)
    (local.set $l1 (i64x2.extract_lane 1 (local.get $acc)))
    (f64.store (local.get $out) (f64.convert_i64_s (i64x2.extract_lane 0 (local.get $acc))))
    (f64.store offset=8 (local.get $out) (f64.convert_i64_u (i64.shr_u (local.get $l1) (i64.extend_i32_u (local.get $cb)))))
    (f64.store offset=16 (local.get $out)
      (f64.convert_i64_u (i64.and (local.get $l1)
        (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $cb))) (i64.const 1))))))

  ;; The sums of q[i] for i = sample[s] (sample != 0) or s, s < m, written as three f64 at out: gradient,
  ;; hessian (quantised units) and count.
  (func (export "total") (param $q i32) (param $sample i32) (param $m i32) (param $cb i32) (param $out i32)
    (local $s i32) (local $i i32) (local $acc v128) (local $mm v128)
    (local.set $acc (v128.const i64x2 0 0))
    (local.set $mm (call $mul (local.get $cb)))
    (if (i32.gt_u (local.get $m) (i32.const 0)) (then
      (loop $l
        (local.set $i (if (result i32) (local.get $sample)
          (then (i32.load (i32.add (local.get $sample) (i32.shl (local.get $s) (i32.const 2)))))
          (else (local.get $s))))
        (local.set $acc (i64x2.add (local.get $acc)
          (call $wide (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 3))) (local.get $mm))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $s) (local.get $m))))))
    (call $storeSums (local.get $acc) (local.get $cb) (local.get $out)))

  ;; Rows at positions [lo, hi) of (srcIdx, srcPairs) go to the same positions of (dstIdx, dstPairs): those
  ;; whose bin col[i * cs + co] <= t first in order, the others after them in reverse order. Returns the
  ;; count of the first.
  (func (export "partition")
        (param $si i32) (param $sp i32) (param $di i32) (param $dp i32) (param $col i32) (param $cs i32)
        (param $co i32) (param $lo i32) (param $hi i32) (param $t i32) (result i32)
    (local $s i32) (local $i i32) (local $l i32) (local $r i32) (local $d i32) (local $goL i32)
    (local.set $l (local.get $lo))
    (local.set $r (i32.sub (local.get $hi) (i32.const 1)))
    (if (i32.ge_u (local.get $lo) (local.get $hi)) (then (return (i32.const 0))))
    (local.set $s (local.get $lo))
    (loop $lp
      (local.set $i (i32.load (i32.add (local.get $si) (i32.shl (local.get $s) (i32.const 2)))))
      (local.set $goL (i32.le_u
        (i32.load8_u (i32.add (local.get $col) (i32.add (i32.mul (local.get $i) (local.get $cs)) (local.get $co))))
        (local.get $t)))
      (local.set $d (select (local.get $l) (local.get $r) (local.get $goL)))
      (i32.store (i32.add (local.get $di) (i32.shl (local.get $d) (i32.const 2))) (local.get $i))
      (i64.store (i32.add (local.get $dp) (i32.shl (local.get $d) (i32.const 3)))
        (i64.load (i32.add (local.get $sp) (i32.shl (local.get $s) (i32.const 3)))))
      (local.set $l (i32.add (local.get $l) (local.get $goL)))
      (local.set $r (i32.sub (local.get $r) (i32.xor (local.get $goL) (i32.const 1))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $lp (i32.lt_u (local.get $s) (local.get $hi))))
    (i32.sub (local.get $l) (local.get $lo)))

  ;; The best split of a leaf over local features b < nf (bins used: nbins[b], i32), from its histogram and
  ;; totals g, h (quantised units) and cnt rows. Writes six f64 at out when a split beats gain 1e-12 (gain,
  ;; local feature, bin, left gradient, left hessian in quantised units, left rows); the first of equal
  ;; gains wins. Leaves out untouched otherwise.
  (func (export "scan")
        (param $hist i32) (param $nf i32) (param $nbins i32) (param $g f64) (param $h f64) (param $cnt i32)
        (param $ig f64) (param $ih f64) (param $cb i32) (param $msl i32) (param $minH f64) (param $l2 f64)
        (param $out i32)
    (local $b i32) (local $t i32) (local $nb i32) (local $a i32) (local $l1 i64) (local $c i32)
    (local $mask i64) (local $shift i64)
    (local $gq f64) (local $hq f64) (local $cl i32) (local $cr i32)
    (local $gl f64) (local $hl f64) (local $gr f64) (local $hr f64) (local $gn f64) (local $best f64)
    (local $parent f64)
    (local.set $shift (i64.extend_i32_u (local.get $cb)))
    (local.set $mask (i64.sub (i64.shl (i64.const 1) (local.get $shift)) (i64.const 1)))
    (local.set $gl (f64.mul (local.get $g) (local.get $ig)))
    (local.set $parent (f64.div (f64.mul (local.get $gl) (local.get $gl))
      (f64.add (f64.mul (local.get $h) (local.get $ih)) (local.get $l2))))
    (local.set $best (f64.const 1e-12))
    (block $done
      (br_if $done (i32.eqz (local.get $nf)))
      (loop $feat
        (local.set $nb (i32.sub (i32.load (i32.add (local.get $nbins) (i32.shl (local.get $b) (i32.const 2)))) (i32.const 1)))
        (local.set $a (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 12))))
        (local.set $gq (f64.const 0)) (local.set $hq (f64.const 0)) (local.set $cl (i32.const 0))
        (local.set $t (i32.const 0))
        (block $fdone
          (br_if $fdone (i32.le_s (local.get $nb) (i32.const 0)))
          (loop $bin
            (block $next
              (local.set $l1 (i64.load offset=8 (local.get $a)))
              (local.set $c (i32.wrap_i64 (i64.and (local.get $l1) (local.get $mask))))
              (br_if $next (i32.eqz (local.get $c)))
              (local.set $gq (f64.add (local.get $gq) (f64.convert_i64_s (i64.load (local.get $a)))))
              (local.set $hq (f64.add (local.get $hq) (f64.convert_i64_u (i64.shr_u (local.get $l1) (local.get $shift)))))
              (local.set $cl (i32.add (local.get $cl) (local.get $c)))
              (local.set $cr (i32.sub (local.get $cnt) (local.get $cl)))
              (local.set $hl (f64.mul (local.get $hq) (local.get $ih)))
              (local.set $hr (f64.mul (f64.sub (local.get $h) (local.get $hq)) (local.get $ih)))
              (br_if $next (i32.lt_s (local.get $cl) (local.get $msl)))
              (br_if $next (i32.lt_s (local.get $cr) (local.get $msl)))
              (br_if $next (f64.lt (local.get $hl) (local.get $minH)))
              (br_if $next (f64.lt (local.get $hr) (local.get $minH)))
              (br_if $next (i32.eqz (f64.gt (f64.add (local.get $hl) (local.get $l2)) (f64.const 0))))
              (br_if $next (i32.eqz (f64.gt (f64.add (local.get $hr) (local.get $l2)) (f64.const 0))))
              (local.set $gl (f64.mul (local.get $gq) (local.get $ig)))
              (local.set $gr (f64.mul (f64.sub (local.get $g) (local.get $gq)) (local.get $ig)))
              (local.set $gn (f64.sub (f64.add
                (f64.div (f64.mul (local.get $gl) (local.get $gl)) (f64.add (local.get $hl) (local.get $l2)))
                (f64.div (f64.mul (local.get $gr) (local.get $gr)) (f64.add (local.get $hr) (local.get $l2))))
                (local.get $parent)))
              (br_if $next (i32.eqz (f64.gt (local.get $gn) (local.get $best))))
              (local.set $best (local.get $gn))
              (f64.store (local.get $out) (local.get $gn))
              (f64.store offset=8 (local.get $out) (f64.convert_i32_s (local.get $b)))
              (f64.store offset=16 (local.get $out) (f64.convert_i32_s (local.get $t)))
              (f64.store offset=24 (local.get $out) (local.get $gq))
              (f64.store offset=32 (local.get $out) (local.get $hq))
              (f64.store offset=40 (local.get $out) (f64.convert_i32_s (local.get $cl))))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br_if $bin (i32.lt_s (local.get $t) (local.get $nb)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br_if $feat (i32.lt_u (local.get $b) (local.get $nf))))))
;; As fill_list for the contiguous features [f0, f0 + nf) (nf <= 32): chunk by chunk, each row's 32 bytes
  ;; from f0 are first copied to scratch (independent loads, so the cache misses of scattered rows overlap),
  ;; then two rows at a time are added.
  (func (export "fill")
        (param $hist i32) (param $rows i32) (param $S i32) (param $idx i32) (param $pairs i32)
        (param $lo i32) (param $hi i32) (param $f0 i32) (param $nf i32) (param $sc i32) (param $cb i32)
    (local $c0 i32) (local $c1 i32) (local $s i32) (local $j i32) (local $src i32) (local $e i32)
    (local $k i32) (local $a i32) (local $v1 v128) (local $v2 v128) (local $p i32) (local $pe i32) (local $m v128)
    (if (i32.or (i32.ge_u (local.get $lo) (local.get $hi)) (i32.eqz (local.get $nf))) (then (return)))
    (local.set $m (call $mul (local.get $cb)))
    (local.set $c0 (local.get $lo))
    (loop $chunk
      (local.set $c1 (i32.add (local.get $c0) (i32.const 256)))
      (if (i32.gt_u (local.get $c1) (local.get $hi)) (then (local.set $c1 (local.get $hi))))
      (local.set $s (local.get $c0))
      (local.set $j (local.get $sc))
      (loop $gather
        (local.set $src (i32.add (i32.add (local.get $rows) (local.get $f0))
          (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $s) (i32.const 2)))) (local.get $S))))
        (v128.store (local.get $j) (v128.load (local.get $src)))
        (v128.store offset=16 (local.get $j) (v128.load offset=16 (local.get $src)))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $gather (i32.lt_u (local.get $s) (local.get $c1))))
      (local.set $s (local.get $c0))
      (local.set $j (local.get $sc))
      ;; pairs of rows
      (local.set $e (i32.sub (local.get $c1) (i32.and (i32.sub (local.get $c1) (local.get $c0)) (i32.const 1))))
      (if (i32.lt_u (local.get $s) (local.get $e)) (then
        (loop $two
          (local.set $v1 (call $wide (i32.add (local.get $pairs) (i32.shl (local.get $s) (i32.const 3))) (local.get $m)))
          (local.set $v2 (call $wide (i32.add (i32.add (local.get $pairs) (i32.shl (local.get $s) (i32.const 3))) (i32.const 8)) (local.get $m)))
          (local.set $k (local.get $hist))
          (local.set $p (local.get $j))
          (local.set $pe (i32.add (local.get $j) (local.get $nf)))
          (loop $feat2
            (local.set $a (i32.add (local.get $k) (i32.shl (i32.load8_u (local.get $p)) (i32.const 4))))
            (v128.store (local.get $a) (i64x2.add (v128.load (local.get $a)) (local.get $v1)))
            (local.set $a (i32.add (local.get $k) (i32.shl (i32.load8_u offset=32 (local.get $p)) (i32.const 4))))
            (v128.store (local.get $a) (i64x2.add (v128.load (local.get $a)) (local.get $v2)))
            (local.set $k (i32.add (local.get $k) (i32.const 4096)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $feat2 (i32.lt_u (local.get $p) (local.get $pe))))
          (local.set $j (i32.add (local.get $j) (i32.const 64)))
          (local.set $s (i32.add (local.get $s) (i32.const 2)))
          (br_if $two (i32.lt_u (local.get $s) (local.get $e))))))
      ;; the last row of an odd chunk
      (if (i32.lt_u (local.get $s) (local.get $c1)) (then
        (local.set $v1 (call $wide (i32.add (local.get $pairs) (i32.shl (local.get $s) (i32.const 3))) (local.get $m)))
        (local.set $k (local.get $hist))
        (local.set $p (local.get $j))
        (local.set $pe (i32.add (local.get $j) (local.get $nf)))
        (loop $feat1
          (local.set $a (i32.add (local.get $k) (i32.shl (i32.load8_u (local.get $p)) (i32.const 4))))
          (v128.store (local.get $a) (i64x2.add (v128.load (local.get $a)) (local.get $v1)))
          (local.set $k (i32.add (local.get $k) (i32.const 4096)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $feat1 (i32.lt_u (local.get $p) (local.get $pe))))))
      (local.set $c0 (local.get $c1))
      (br_if $chunk (i32.lt_u (local.get $c0) (local.get $hi)))))

;; exp(x) for x <= 0 (0 below -700): 2^k * e^r with |r| <= ln2 / 2, e^r by its Taylor series to r^11
  ;; evaluated in Estrin's scheme (short dependency chains; relative error ~1e-14, far below the gradient
  ;; unit). Pure float64 arithmetic, so the same everywhere.
  (func $exp (param $x f64) (result f64)
    (local $k f64) (local $r f64) (local $r2 f64) (local $r4 f64)
    (if (f64.lt (local.get $x) (f64.const -700)) (then (return (f64.const 0))))
    (local.set $k (f64.nearest (f64.mul (local.get $x) (f64.const 1.4426950408889634))))
    (local.set $r (f64.sub (f64.sub (local.get $x) (f64.mul (local.get $k) (f64.const 0.6931471803691238)))
      (f64.mul (local.get $k) (f64.const 1.9082149292705877e-10))))
    (local.set $r2 (f64.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64.mul (local.get $r2) (local.get $r2)))
    (f64.mul
      (f64.reinterpret_i64 (i64.shl (i64.add (i64.trunc_f64_s (local.get $k)) (i64.const 1023)) (i64.const 52)))
      (f64.add
        (f64.add
          (f64.add (f64.const 1) (local.get $r))
          (f64.mul (local.get $r2)
            (f64.add (f64.const 0.5) (f64.mul (local.get $r) (f64.const 0.16666666666666666)))))
        (f64.mul (local.get $r4)
          (f64.add
            (f64.add
              (f64.add (f64.const 0.041666666666666664) (f64.mul (local.get $r) (f64.const 0.008333333333333333)))
              (f64.mul (local.get $r2)
                (f64.add (f64.const 0.001388888888888889) (f64.mul (local.get $r) (f64.const 1.984126984126984e-4)))))
            (f64.mul (local.get $r4)
              (f64.add
                (f64.add (f64.const 2.48015873015873e-5) (f64.mul (local.get $r) (f64.const 2.7557319223985893e-6)))
                (f64.mul (local.get $r2)
                  (f64.add (f64.const 2.755731922398589e-7) (f64.mul (local.get $r) (f64.const 2.505210838544172e-8)))))))))))

;; $exp on both lanes of x, operation for operation (so each lane equals $exp of it).
  (func $exp2 (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $scale v128)
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)))
      (f64x2.mul (local.get $k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
    (local.set $scale (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k)))
      (v128.const i64x2 1023 1023)) (i32.const 52)))
    (v128.bitselect
      (v128.const f64x2 0 0)
      (f64x2.mul (local.get $scale)
        (f64x2.add
          (f64x2.add
            (f64x2.add (v128.const f64x2 1 1) (local.get $r))
            (f64x2.mul (local.get $r2)
              (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
          (f64x2.mul (local.get $r4)
            (f64x2.add
              (f64x2.add
                (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664)
                  (f64x2.mul (local.get $r) (v128.const f64x2 0.008333333333333333 0.008333333333333333)))
                (f64x2.mul (local.get $r2)
                  (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889)
                    (f64x2.mul (local.get $r) (v128.const f64x2 1.984126984126984e-4 1.984126984126984e-4)))))
              (f64x2.mul (local.get $r4)
                (f64x2.add
                  (f64x2.add (v128.const f64x2 2.48015873015873e-5 2.48015873015873e-5)
                    (f64x2.mul (local.get $r) (v128.const f64x2 2.7557319223985893e-6 2.7557319223985893e-6)))
                  (f64x2.mul (local.get $r2)
                    (f64x2.add (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7)
                      (f64x2.mul (local.get $r) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8))))))))))
      (f64x2.lt (local.get $x) (v128.const f64x2 -700 -700))))

  ;; Softmax gradients of rows [lo, hi) over k classes, quantised: for class c, the pair at q[c] + 8 i is
  ;; (round(w (p - [y = c]) qg), round(w max(p (1 - p), 1e-16) qh)) as two i32, p = e^(raw - max) * (1 / sum).
  ;; raw: n x k f64 scores; the label is byte `yOff` of row i (stride S); w: f64 weights; qs: k i32 pointers;
  ;; e: 16 k bytes of scratch.
  (func (export "gradients")
        (param $raw i32) (param $k i32) (param $rows i32) (param $S i32) (param $yOff i32) (param $w i32)
        (param $lo i32) (param $hi i32) (param $qs i32) (param $qg f64) (param $qh f64) (param $e i32)
    (local $i i32) (local $c i32) (local $r i32) (local $mx f64) (local $z f64) (local $p f64) (local $wi f64)
    (local $y i32) (local $a i32)
    (local $r2 i32) (local $y2 i32) (local $vm v128) (local $vz v128) (local $vp v128) (local $vw v128)
    (local $vy v128) (local $gq v128) (local $hq v128)
    (if (i32.ge_u (local.get $lo) (local.get $hi)) (then (return)))
    (local.set $i (local.get $lo))
    ;; Two rows at a time, one in each f64x2 lane (the same operations as the one-row loop below, lane by
    ;; lane, so the same pairs); e holds k v128.
    (block $pairsDone (loop $two
      (br_if $pairsDone (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $hi)))
      (local.set $r (i32.add (local.get $raw) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3))))
      (local.set $r2 (i32.add (local.get $r) (i32.shl (local.get $k) (i32.const 3))))
      (local.set $vm (f64x2.replace_lane 1 (f64x2.splat (f64.load (local.get $r))) (f64.load (local.get $r2))))
      (local.set $c (i32.const 1))
      (block $mxd2 (loop $m2
        (br_if $mxd2 (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $vm (f64x2.pmax (local.get $vm)
          (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $r) (i32.shl (local.get $c) (i32.const 3)))))
            (f64.load (i32.add (local.get $r2) (i32.shl (local.get $c) (i32.const 3)))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $m2)))
      (local.set $vz (v128.const f64x2 0 0))
      (local.set $c (i32.const 0))
      (loop $ex2
        (local.set $vp (call $exp2 (f64x2.sub
          (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $r) (i32.shl (local.get $c) (i32.const 3)))))
            (f64.load (i32.add (local.get $r2) (i32.shl (local.get $c) (i32.const 3)))))
          (local.get $vm))))
        (v128.store (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 4))) (local.get $vp))
        (local.set $vz (f64x2.add (local.get $vz) (local.get $vp)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $ex2 (i32.lt_u (local.get $c) (local.get $k))))
      (local.set $vz (f64x2.div (v128.const f64x2 1 1) (local.get $vz)))
      (local.set $vw (v128.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $y (i32.load8_u (i32.add (i32.add (local.get $rows) (local.get $yOff)) (i32.mul (local.get $i) (local.get $S)))))
      (local.set $y2 (i32.load8_u (i32.add (i32.add (i32.add (local.get $rows) (local.get $yOff)) (local.get $S))
        (i32.mul (local.get $i) (local.get $S)))))
      (local.set $c (i32.const 0))
      (loop $cl2
        (local.set $vp (f64x2.mul (v128.load (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 4)))) (local.get $vz)))
        (local.set $vy (f64x2.replace_lane 1 (f64x2.splat (f64.convert_i32_u (i32.eq (local.get $y) (local.get $c))))
          (f64.convert_i32_u (i32.eq (local.get $y2) (local.get $c)))))
        (local.set $gq (i32x4.trunc_sat_f64x2_s_zero (f64x2.nearest (f64x2.mul (f64x2.mul (local.get $vw)
          (f64x2.sub (local.get $vp) (local.get $vy))) (f64x2.splat (local.get $qg))))))
        (local.set $hq (i32x4.trunc_sat_f64x2_s_zero (f64x2.nearest (f64x2.mul (f64x2.mul (local.get $vw)
          (f64x2.pmax (f64x2.mul (local.get $vp) (f64x2.sub (v128.const f64x2 1 1) (local.get $vp)))
            (v128.const f64x2 1e-16 1e-16))) (f64x2.splat (local.get $qh))))))
        ;; (g_i, h_i, g_i+1, h_i+1)
        (v128.store (i32.add (i32.load (i32.add (local.get $qs) (i32.shl (local.get $c) (i32.const 2)))) (i32.shl (local.get $i) (i32.const 3)))
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $gq) (local.get $hq)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $cl2 (i32.lt_u (local.get $c) (local.get $k))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $two)))
    (if (i32.ge_u (local.get $i) (local.get $hi)) (then (return)))
    (loop $row
      (local.set $r (i32.add (local.get $raw) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3))))
      (local.set $mx (f64.load (local.get $r)))
      (local.set $c (i32.const 1))
      (block $mxd (loop $m
        (br_if $mxd (i32.ge_u (local.get $c) (local.get $k)))
        ;; f64x2.pmax (maxpd: no branch; scores are never NaN) instead of f64.max, whose NaN and -0 branches
        ;; mispredict on random scores
        (local.set $mx (f64x2.extract_lane 0 (f64x2.pmax (f64x2.splat (local.get $mx))
          (f64x2.splat (f64.load (i32.add (local.get $r) (i32.shl (local.get $c) (i32.const 3))))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $m)))
      (local.set $z (f64.const 0))
      (local.set $c (i32.const 0))
      (loop $ex
        (local.set $p (call $exp (f64.sub (f64.load (i32.add (local.get $r) (i32.shl (local.get $c) (i32.const 3)))) (local.get $mx))))
        (f64.store (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 3))) (local.get $p))
        (local.set $z (f64.add (local.get $z) (local.get $p)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $ex (i32.lt_u (local.get $c) (local.get $k))))
      (local.set $z (f64.div (f64.const 1) (local.get $z)))
      (local.set $wi (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $y (i32.load8_u (i32.add (i32.add (local.get $rows) (local.get $yOff)) (i32.mul (local.get $i) (local.get $S)))))
      (local.set $c (i32.const 0))
      (loop $cl
        (local.set $p (f64.mul (f64.load (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 3)))) (local.get $z)))
        (local.set $a (i32.add (i32.load (i32.add (local.get $qs) (i32.shl (local.get $c) (i32.const 2)))) (i32.shl (local.get $i) (i32.const 3))))
        (i32.store (local.get $a) (i32.trunc_sat_f64_s (f64.nearest (f64.mul (f64.mul (local.get $wi)
          (f64.sub (local.get $p) (f64.convert_i32_u (i32.eq (local.get $y) (local.get $c))))) (local.get $qg)))))
        (i32.store offset=4 (local.get $a) (i32.trunc_sat_f64_s (f64.nearest (f64.mul (f64.mul (local.get $wi)
          (f64.max (f64.mul (local.get $p) (f64.sub (f64.const 1) (local.get $p))) (f64.const 1e-16))) (local.get $qh)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $cl (i32.lt_u (local.get $c) (local.get $k))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $i) (local.get $hi)))))

  ;; raw[idx[s] * k + c] += v for s in [lo, hi) (raw: f64).
  (func (export "add_scores") (param $idx i32) (param $lo i32) (param $hi i32) (param $raw i32) (param $k i32)
        (param $c i32) (param $v f64)
    (local $s i32) (local $a i32)
    (if (i32.ge_u (local.get $lo) (local.get $hi)) (then (return)))
    (local.set $s (local.get $lo))
    (loop $l
      (local.set $a (i32.add (local.get $raw) (i32.shl (i32.add (i32.mul (i32.load (i32.add (local.get $idx)
        (i32.shl (local.get $s) (i32.const 2)))) (local.get $k)) (local.get $c)) (i32.const 3))))
      (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $v)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $s) (local.get $hi)))))
;; n zero bytes from p; n bytes from src to dst (memory.fill / memory.copy: memset and memmove).
  (func (export "zero") (param $p i32) (param $n i32)
    (memory.fill (local.get $p) (i32.const 0) (local.get $n)))
  (func (export "copy") (param $dst i32) (param $src i32) (param $n i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $n)))
;; The sums of one feature's histogram (its 256 bins at hist), written like `total`: every row is in one bin
  ;; of each feature, so these are the node's gradient, hessian and count.
  (func (export "hist_total") (param $hist i32) (param $cb i32) (param $out i32)
    (local $e i32) (local $acc v128)
    (local.set $acc (v128.const i64x2 0 0))
    (local.set $e (i32.add (local.get $hist) (i32.const 4096)))
    (loop $l
      (local.set $acc (i64x2.add (local.get $acc) (v128.load (local.get $hist))))
      (local.set $hist (i32.add (local.get $hist) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $hist) (local.get $e))))
    (call $storeSums (local.get $acc) (local.get $cb) (local.get $out)))
)
