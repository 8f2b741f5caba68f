//! Gzip exactly as Terraform's `base64gzip` produces it: Go 1.16's `compress/flate` at the default
//! level (lazy LZ77 matching with Go's hash chains and limits, then per block the smallest of a
//! stored, fixed-Huffman or dynamic-Huffman encoding, with Go's length-limited Huffman codes),
//! framed by `compress/gzip`, with the writer flushed and then closed.

const WINDOW_SIZE: usize = 1 << 15;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
const MAX_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORE_BLOCK: usize = 65535;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const MAX_HASH_OFFSET: i64 = 1 << 24;
// Go's parameters for level 6: good, lazy, nice, chain.
const GOOD: usize = 8;
const LAZY: usize = 16;
const NICE: usize = 128;
const CHAIN: usize = 128;

const MATCH_TYPE: u32 = 1 << 30;
const END_BLOCK: u32 = 256;
const LENGTH_CODES_START: usize = 257;
const MAX_NUM_LIT: usize = 286;
const OFFSET_CODE_COUNT: usize = 30;
const CODEGEN_CODE_COUNT: usize = 19;
const BAD_CODE: u8 = 255;

const LENGTH_EXTRA_BITS: [u32; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const LENGTH_BASE: [u32; 29] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128,
    160, 192, 224, 255,
];
const OFFSET_EXTRA_BITS: [u32; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
const OFFSET_BASE: [u32; 30] = [
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0006, 0x0008, 0x000c, 0x0010, 0x0018, 0x0020, 0x0030,
    0x0040, 0x0060, 0x0080, 0x00c0, 0x0100, 0x0180, 0x0200, 0x0300, 0x0400, 0x0600, 0x0800, 0x0c00,
    0x1000, 0x1800, 0x2000, 0x3000, 0x4000, 0x6000,
];
const CODEGEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

fn length_code(xlength: u32) -> usize {
    LENGTH_BASE
        .iter()
        .rposition(|&b| b <= xlength)
        .expect("length in range")
}

fn offset_code(xoffset: u32) -> usize {
    OFFSET_BASE
        .iter()
        .rposition(|&b| b <= xoffset)
        .expect("offset in range")
}

// ---- Huffman codes (Go's huffman_code.go) ----

#[derive(Clone, Copy, Default)]
struct HCode {
    code: u16,
    len: u16,
}

#[derive(Clone, Copy)]
struct Node {
    literal: u16,
    freq: i32,
}

struct Encoder {
    codes: Vec<HCode>,
}

fn reverse_bits(number: u16, len: u16) -> u16 {
    (number << (16 - len)).reverse_bits()
}

impl Encoder {
    fn new(size: usize) -> Encoder {
        Encoder {
            codes: vec![HCode::default(); size],
        }
    }

    fn fixed_literal() -> Encoder {
        let mut e = Encoder::new(MAX_NUM_LIT);
        for ch in 0..MAX_NUM_LIT as u16 {
            let (bits, size) = match ch {
                0..=143 => (ch + 48, 8),
                144..=255 => (ch + 400 - 144, 9),
                256..=279 => (ch - 256, 7),
                _ => (ch + 192 - 280, 8),
            };
            e.codes[ch as usize] = HCode {
                code: reverse_bits(bits, size),
                len: size,
            };
        }
        e
    }

    fn fixed_offset() -> Encoder {
        let mut e = Encoder::new(OFFSET_CODE_COUNT);
        for (ch, c) in e.codes.iter_mut().enumerate() {
            *c = HCode {
                code: reverse_bits(ch as u16, 5),
                len: 5,
            };
        }
        e
    }

    fn bit_length(&self, freq: &[i32]) -> i64 {
        freq.iter()
            .zip(&self.codes)
            .filter(|(f, _)| **f != 0)
            .map(|(f, c)| *f as i64 * c.len as i64)
            .sum()
    }

    /// The number of literals to encode with each bit length (Go's level-wise construction of
    /// a length-limited code); `list` is sorted by frequency and has at least three entries.
    fn bit_counts(list: &[Node], max_bits: usize) -> Vec<i32> {
        #[derive(Clone, Copy, Default)]
        struct Level {
            level: usize,
            last_freq: i32,
            next_char_freq: i32,
            next_pair_freq: i32,
            needed: i32,
        }
        let n = list.len();
        let freq_at = |i: usize| if i < n { list[i].freq } else { i32::MAX };
        let max_bits = max_bits.min(n - 1);
        let mut levels = [Level::default(); 17];
        let mut leaf_counts = [[0i32; 17]; 17];
        for level in 1..=max_bits {
            levels[level] = Level {
                level,
                last_freq: list[1].freq,
                next_char_freq: list[2].freq,
                next_pair_freq: if level == 1 {
                    i32::MAX
                } else {
                    list[0].freq + list[1].freq
                },
                needed: 0,
            };
            leaf_counts[level][level] = 2;
        }
        levels[max_bits].needed = 2 * n as i32 - 4;
        let mut level = max_bits;
        loop {
            let l = levels[level];
            if l.next_pair_freq == i32::MAX && l.next_char_freq == i32::MAX {
                levels[level].needed = 0;
                levels[level + 1].next_pair_freq = i32::MAX;
                level += 1;
                continue;
            }
            let prev_freq = l.last_freq;
            if l.next_char_freq < l.next_pair_freq {
                let c = leaf_counts[level][level] + 1;
                levels[level].last_freq = l.next_char_freq;
                leaf_counts[level][level] = c;
                levels[level].next_char_freq = freq_at(c as usize);
            } else {
                levels[level].last_freq = l.next_pair_freq;
                let below = leaf_counts[level - 1];
                leaf_counts[level][..level].copy_from_slice(&below[..level]);
                levels[level - 1].needed = 2;
            }
            levels[level].needed -= 1;
            if levels[level].needed == 0 {
                if levels[level].level == max_bits {
                    break;
                }
                levels[level + 1].next_pair_freq = prev_freq + levels[level].last_freq;
                level += 1;
            } else {
                while levels[level - 1].needed > 0 {
                    level -= 1;
                }
            }
        }
        let mut bit_count = vec![0i32; max_bits + 1];
        let counts = leaf_counts[max_bits];
        for (bits, level) in (1..=max_bits).rev().enumerate() {
            bit_count[bits + 1] = counts[level] - counts[level - 1];
        }
        bit_count
    }

    fn generate(&mut self, freq: &[i32], max_bits: usize) {
        let mut list: Vec<Node> = Vec::new();
        for (i, &f) in freq.iter().enumerate() {
            if f != 0 {
                list.push(Node {
                    literal: i as u16,
                    freq: f,
                });
            } else {
                self.codes[i].len = 0;
            }
        }
        if list.len() <= 2 {
            for (i, node) in list.iter().enumerate() {
                self.codes[node.literal as usize] = HCode {
                    code: i as u16,
                    len: 1,
                };
            }
            return;
        }
        list.sort_by_key(|n| (n.freq, n.literal));
        let bit_count = Encoder::bit_counts(&list, max_bits);
        let mut code: u16 = 0;
        let mut rest = &mut list[..];
        for (n, &bits) in bit_count.iter().enumerate() {
            code <<= 1;
            if n == 0 || bits == 0 {
                continue;
            }
            let split = rest.len() - bits as usize;
            let (head, chunk) = rest.split_at_mut(split);
            chunk.sort_by_key(|n| n.literal);
            for node in chunk.iter() {
                self.codes[node.literal as usize] = HCode {
                    code: reverse_bits(code, n as u16),
                    len: n as u16,
                };
                code += 1;
            }
            rest = head;
        }
    }
}

// ---- bit writer (Go's huffman_bit_writer.go) ----

struct BitWriter {
    out: Vec<u8>,
    bits: u64,
    nbits: u32,
    literal_freq: Vec<i32>,
    offset_freq: Vec<i32>,
    codegen: Vec<u8>,
    codegen_freq: [i32; CODEGEN_CODE_COUNT],
    literal_enc: Encoder,
    offset_enc: Encoder,
    codegen_enc: Encoder,
    fixed_literal: Encoder,
    fixed_offset: Encoder,
}

impl BitWriter {
    fn new() -> BitWriter {
        BitWriter {
            out: Vec::new(),
            bits: 0,
            nbits: 0,
            literal_freq: vec![0; MAX_NUM_LIT],
            offset_freq: vec![0; OFFSET_CODE_COUNT],
            codegen: vec![0; MAX_NUM_LIT + OFFSET_CODE_COUNT + 1],
            codegen_freq: [0; CODEGEN_CODE_COUNT],
            literal_enc: Encoder::new(MAX_NUM_LIT),
            offset_enc: Encoder::new(OFFSET_CODE_COUNT),
            codegen_enc: Encoder::new(CODEGEN_CODE_COUNT),
            fixed_literal: Encoder::fixed_literal(),
            fixed_offset: Encoder::fixed_offset(),
        }
    }

    fn write_bits(&mut self, b: u32, nb: u32) {
        self.bits |= (b as u64) << self.nbits;
        self.nbits += nb;
        while self.nbits >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.nbits -= 8;
        }
    }

    fn write_code(&mut self, c: HCode) {
        self.write_bits(c.code as u32, c.len as u32);
    }

    fn flush(&mut self) {
        if self.nbits > 0 {
            self.out.push(self.bits as u8);
        }
        self.bits = 0;
        self.nbits = 0;
    }

    fn write_stored_header(&mut self, length: usize, eof: bool) {
        self.write_bits(u32::from(eof), 3);
        self.flush();
        self.write_bits(length as u32, 16);
        self.write_bits(!(length as u16) as u32, 16);
    }

    /// Counts token frequencies and builds the dynamic codes; returns the numbers of literal and
    /// offset codes in use.
    fn index_tokens(&mut self, tokens: &[u32]) -> (usize, usize) {
        self.literal_freq.iter_mut().for_each(|f| *f = 0);
        self.offset_freq.iter_mut().for_each(|f| *f = 0);
        for &t in tokens {
            if t < MATCH_TYPE {
                self.literal_freq[t as usize] += 1;
                continue;
            }
            let xlength = (t - MATCH_TYPE) >> 22;
            let xoffset = t & ((1 << 22) - 1);
            self.literal_freq[LENGTH_CODES_START + length_code(xlength)] += 1;
            self.offset_freq[offset_code(xoffset)] += 1;
        }
        let mut num_lit = MAX_NUM_LIT;
        while self.literal_freq[num_lit - 1] == 0 {
            num_lit -= 1;
        }
        let mut num_off = OFFSET_CODE_COUNT;
        while num_off > 0 && self.offset_freq[num_off - 1] == 0 {
            num_off -= 1;
        }
        if num_off == 0 {
            self.offset_freq[0] = 1;
            num_off = 1;
        }
        self.literal_enc.generate(&self.literal_freq, 15);
        self.offset_enc.generate(&self.offset_freq, 15);
        (num_lit, num_off)
    }

    /// The run-length encoding of the code lengths (RFC 1951 3.2.7), into `codegen`.
    fn generate_codegen(&mut self, num_lit: usize, num_off: usize) {
        self.codegen_freq = [0; CODEGEN_CODE_COUNT];
        let mut sizes: Vec<u8> = Vec::with_capacity(num_lit + num_off + 1);
        sizes.extend(
            self.literal_enc.codes[..num_lit]
                .iter()
                .map(|c| c.len as u8),
        );
        sizes.extend(self.offset_enc.codes[..num_off].iter().map(|c| c.len as u8));
        sizes.push(BAD_CODE);
        let mut out = Vec::new();
        let mut size = sizes[0];
        let mut count: i32 = 1;
        let mut i = 1;
        while size != BAD_CODE {
            let next = sizes[i];
            i += 1;
            if next == size {
                count += 1;
                continue;
            }
            if size != 0 {
                out.push(size);
                self.codegen_freq[size as usize] += 1;
                count -= 1;
                while count >= 3 {
                    let n = count.min(6);
                    out.extend([16, (n - 3) as u8]);
                    self.codegen_freq[16] += 1;
                    count -= n;
                }
            } else {
                while count >= 11 {
                    let n = count.min(138);
                    out.extend([18, (n - 11) as u8]);
                    self.codegen_freq[18] += 1;
                    count -= n;
                }
                if count >= 3 {
                    out.extend([17, (count - 3) as u8]);
                    self.codegen_freq[17] += 1;
                    count = 0;
                }
            }
            while count > 0 {
                out.push(size);
                self.codegen_freq[size as usize] += 1;
                count -= 1;
            }
            size = next;
            count = 1;
        }
        out.push(BAD_CODE);
        self.codegen = out;
    }

    fn write_block(&mut self, tokens: &[u32], eof: bool, input: Option<&[u8]>) {
        let mut tokens = tokens.to_vec();
        tokens.push(END_BLOCK);
        let (num_lit, num_off) = self.index_tokens(&tokens);
        let stored = input.filter(|i| i.len() <= MAX_STORE_BLOCK);
        let mut extra: i64 = 0;
        if stored.is_some() {
            for code in LENGTH_CODES_START + 8..num_lit {
                extra += self.literal_freq[code] as i64
                    * LENGTH_EXTRA_BITS[code - LENGTH_CODES_START] as i64;
            }
            for (f, bits) in self.offset_freq[..num_off]
                .iter()
                .zip(OFFSET_EXTRA_BITS)
                .skip(4)
            {
                extra += *f as i64 * bits as i64;
            }
        }
        let fixed_size = 3
            + self.fixed_literal.bit_length(&self.literal_freq)
            + self.fixed_offset.bit_length(&self.offset_freq)
            + extra;
        self.generate_codegen(num_lit, num_off);
        let cg_freq = self.codegen_freq;
        self.codegen_enc.generate(&cg_freq, 7);
        let mut num_codegens = CODEGEN_CODE_COUNT;
        while num_codegens > 4 && self.codegen_freq[CODEGEN_ORDER[num_codegens - 1]] == 0 {
            num_codegens -= 1;
        }
        let header = 3
            + 5
            + 5
            + 4
            + 3 * num_codegens as i64
            + self.codegen_enc.bit_length(&cg_freq)
            + cg_freq[16] as i64 * 2
            + cg_freq[17] as i64 * 3
            + cg_freq[18] as i64 * 7;
        let dynamic_size = header
            + self.literal_enc.bit_length(&self.literal_freq)
            + self.offset_enc.bit_length(&self.offset_freq)
            + extra;
        let dynamic = dynamic_size < fixed_size;
        let size = fixed_size.min(dynamic_size);
        if let Some(input) = stored {
            if (((input.len() + 5) * 8) as i64) < size {
                self.write_stored_header(input.len(), eof);
                self.out.extend_from_slice(input);
                return;
            }
        }
        if dynamic {
            self.write_bits(if eof { 5 } else { 4 }, 3);
            self.write_bits((num_lit - 257) as u32, 5);
            self.write_bits((num_off - 1) as u32, 5);
            self.write_bits((num_codegens - 4) as u32, 4);
            for &o in &CODEGEN_ORDER[..num_codegens] {
                self.write_bits(self.codegen_enc.codes[o].len as u32, 3);
            }
            let mut i = 0;
            loop {
                let cw = self.codegen[i];
                i += 1;
                if cw == BAD_CODE {
                    break;
                }
                self.write_code(self.codegen_enc.codes[cw as usize]);
                let extra_bits = match cw {
                    16 => 2,
                    17 => 3,
                    18 => 7,
                    _ => 0,
                };
                if extra_bits > 0 {
                    self.write_bits(self.codegen[i] as u32, extra_bits);
                    i += 1;
                }
            }
        } else {
            self.write_bits(if eof { 3 } else { 2 }, 3);
        }
        let (lit, off) = if dynamic {
            (
                self.literal_enc.codes.clone(),
                self.offset_enc.codes.clone(),
            )
        } else {
            (
                self.fixed_literal.codes.clone(),
                self.fixed_offset.codes.clone(),
            )
        };
        for &t in &tokens {
            if t < MATCH_TYPE {
                self.write_code(lit[t as usize]);
                continue;
            }
            let xlength = (t - MATCH_TYPE) >> 22;
            let lc = length_code(xlength);
            self.write_code(lit[lc + LENGTH_CODES_START]);
            if LENGTH_EXTRA_BITS[lc] > 0 {
                self.write_bits(xlength - LENGTH_BASE[lc], LENGTH_EXTRA_BITS[lc]);
            }
            let xoffset = t & ((1 << 22) - 1);
            let oc = offset_code(xoffset);
            self.write_code(off[oc]);
            if OFFSET_EXTRA_BITS[oc] > 0 {
                self.write_bits(xoffset - OFFSET_BASE[oc], OFFSET_EXTRA_BITS[oc]);
            }
        }
    }
}

// ---- the compressor (Go's deflate.go, lazy matching) ----

struct Compressor {
    w: BitWriter,
    window: Vec<u8>,
    window_end: usize,
    index: usize,
    block_start: usize,
    byte_available: bool,
    tokens: Vec<u32>,
    length: usize,
    offset: usize,
    chain_head: i64,
    hash_offset: i64,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    max_insert_index: i64,
    sync: bool,
}

fn hash4(b: &[u8]) -> usize {
    let v = (b[3] as u32) | (b[2] as u32) << 8 | (b[1] as u32) << 16 | (b[0] as u32) << 24;
    (v.wrapping_mul(0x1e35a7bd) >> (32 - HASH_BITS)) as usize
}

impl Compressor {
    fn new() -> Compressor {
        Compressor {
            w: BitWriter::new(),
            window: vec![0; 2 * WINDOW_SIZE],
            window_end: 0,
            index: 0,
            block_start: 0,
            byte_available: false,
            tokens: Vec::with_capacity(MAX_BLOCK_TOKENS + 1),
            length: MIN_MATCH - 1,
            offset: 0,
            chain_head: -1,
            hash_offset: 1,
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW_SIZE],
            max_insert_index: 0,
            sync: false,
        }
    }

    fn fill(&mut self, b: &[u8]) -> usize {
        if self.index >= 2 * WINDOW_SIZE - (MIN_MATCH + MAX_MATCH) {
            self.window.copy_within(WINDOW_SIZE..2 * WINDOW_SIZE, 0);
            self.index -= WINDOW_SIZE;
            self.window_end -= WINDOW_SIZE;
            self.block_start = if self.block_start >= WINDOW_SIZE && self.block_start != usize::MAX
            {
                self.block_start - WINDOW_SIZE
            } else {
                usize::MAX
            };
            self.hash_offset += WINDOW_SIZE as i64;
            if self.hash_offset > MAX_HASH_OFFSET {
                let delta = self.hash_offset - 1;
                self.hash_offset -= delta;
                self.chain_head -= delta;
                for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                    *v = if *v as i64 > delta {
                        (*v as i64 - delta) as u32
                    } else {
                        0
                    };
                }
            }
        }
        let n = b.len().min(2 * WINDOW_SIZE - self.window_end);
        self.window[self.window_end..self.window_end + n].copy_from_slice(&b[..n]);
        self.window_end += n;
        n
    }

    fn write_block(&mut self, index: usize) {
        if index > 0 {
            let tokens = std::mem::take(&mut self.tokens);
            let input =
                (self.block_start <= index).then(|| self.window[self.block_start..index].to_vec());
            self.block_start = index;
            self.w.write_block(&tokens, false, input.as_deref());
            self.tokens = tokens;
        }
        self.tokens.clear();
    }

    fn find_match(
        &self,
        pos: usize,
        prev_head: i64,
        prev_length: usize,
        lookahead: usize,
    ) -> Option<(usize, usize)> {
        let min_match_look = MAX_MATCH.min(lookahead);
        let win = &self.window[..pos + min_match_look];
        let nice = NICE.min(win.len() - pos);
        let mut tries = CHAIN;
        let mut length = prev_length;
        if length >= GOOD {
            tries >>= 2;
        }
        let mut w_end = win[pos + length];
        let min_index = pos as i64 - WINDOW_SIZE as i64;
        let mut found = None;
        let mut i = prev_head;
        while tries > 0 {
            let iu = i as usize;
            if w_end == win[iu + length] {
                let n = win[iu..iu + min_match_look]
                    .iter()
                    .zip(&win[pos..pos + min_match_look])
                    .take_while(|(a, b)| a == b)
                    .count();
                if n > length && (n > MIN_MATCH || pos - iu <= 4096) {
                    length = n;
                    found = Some((n, pos - iu));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i == min_index {
                break;
            }
            i = self.hash_prev[iu & WINDOW_MASK] as i64 - self.hash_offset;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }

    fn insert_hash(&mut self, index: usize) {
        let h = hash4(&self.window[index..index + MIN_MATCH]);
        self.hash_prev[index & WINDOW_MASK] = self.hash_head[h];
        self.hash_head[h] = (index as i64 + self.hash_offset) as u32;
    }

    fn step(&mut self) {
        if self.window_end - self.index < MIN_MATCH + MAX_MATCH && !self.sync {
            return;
        }
        self.max_insert_index = self.window_end as i64 - (MIN_MATCH as i64 - 1);
        loop {
            let lookahead = self.window_end - self.index;
            if lookahead < MIN_MATCH + MAX_MATCH {
                if !self.sync {
                    break;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        self.tokens.push(self.window[self.index - 1] as u32);
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(self.index);
                    }
                    break;
                }
            }
            if (self.index as i64) < self.max_insert_index {
                let h = hash4(&self.window[self.index..self.index + MIN_MATCH]);
                self.chain_head = self.hash_head[h] as i64;
                self.hash_prev[self.index & WINDOW_MASK] = self.chain_head as u32;
                self.hash_head[h] = (self.index as i64 + self.hash_offset) as u32;
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH - 1;
            self.offset = 0;
            let min_index = (self.index as i64 - WINDOW_SIZE as i64).max(0);
            if self.chain_head - self.hash_offset >= min_index
                && lookahead > prev_length
                && prev_length < LAZY
            {
                if let Some((l, o)) = self.find_match(
                    self.index,
                    self.chain_head - self.hash_offset,
                    MIN_MATCH - 1,
                    lookahead,
                ) {
                    self.length = l;
                    self.offset = o;
                }
            }
            if prev_length >= MIN_MATCH && self.length <= prev_length {
                self.tokens
                    .push(MATCH_TYPE | ((prev_length - 3) as u32) << 22 | (prev_offset - 1) as u32);
                let new_index = self.index + prev_length - 1;
                let mut i = self.index + 1;
                while i < new_index {
                    if (i as i64) < self.max_insert_index {
                        self.insert_hash(i);
                    }
                    i += 1;
                }
                self.index = i;
                self.byte_available = false;
                self.length = MIN_MATCH - 1;
                if self.tokens.len() == MAX_BLOCK_TOKENS {
                    self.write_block(self.index);
                }
            } else {
                if self.byte_available {
                    let i = self.index - 1;
                    self.tokens.push(self.window[i] as u32);
                    if self.tokens.len() == MAX_BLOCK_TOKENS {
                        self.write_block(i + 1);
                    }
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }

    fn write(&mut self, mut b: &[u8]) {
        while !b.is_empty() {
            self.step();
            let n = self.fill(b);
            b = &b[n..];
        }
    }

    fn finish(&mut self, eof: bool) {
        self.sync = true;
        self.step();
        self.w.write_stored_header(0, eof);
        self.w.flush();
        self.sync = false;
    }
}

/// `gzip.NewWriter` + `Write(data)` + `Flush()` + `Close()`, as Terraform's `base64gzip` does.
pub(crate) fn go_gzip(data: &[u8]) -> Vec<u8> {
    let mut c = Compressor::new();
    c.write(data);
    c.finish(false);
    c.finish(true);
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&c.w.out);
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}
