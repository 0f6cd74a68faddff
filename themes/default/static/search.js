/* Hindsight search: the browser side of the static index that `hindsight build` writes under
   search/. Plain JavaScript, no framework, no network access beyond the site itself.

   The query analysis repeats the Rust one exactly (src/analysis.rs): split on anything that
   is not a letter or digit (each Han ideograph and hiragana letter a word by itself, a run of
   katakana a word apart from other scripts), drop tokens of 65 UTF-8 bytes or more, lowercase each character,
   fold to ASCII with tantivy's table, stem with the Snowball English stemmer (Snowball 3.1.1,
   as tantivy 0.27 runs it through frostem). The stemmer below is a line-by-line port of the
   Rust code Snowball generates from english.sbl; tests/search_parity.rs checks both sides agree
   on a large word list. Then, as in Rust, two words that make one of the COMPOUNDS are one
   term (roll back, rolled back, roll-back -> rollback), and words joined into an identifier
   are one term more (PM2021-005 -> pm2021, 005, pm2021-005). A query's words written with a
   leading "-" (-fluentd) are words to leave out, read as src/analysis.rs's read_query reads
   them. Loaded as a CommonJS module (by node) it only exports the analysis. */
(function () {
  "use strict";

  // ---------------------------------------------------------------- analysis

  var ALNUM = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;

  /* The Snowball runtime, over an array of code points (the Rust one works on UTF-8 bytes with
     character-aware moves; every string it compares with is ASCII, so both agree). */
  function Env(word) {
    this.cur = Array.from(word, function (c) { return c.codePointAt(0); });
    this.cursor = 0;
    this.limit = this.cur.length;
    this.limit_backward = 0;
    this.bra = 0;
    this.ket = 0;
  }
  function codes(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
    return out;
  }
  Env.prototype.at = function (i) { return this.cur[i]; };
  Env.prototype.replace_s = function (bra, ket, s) {
    var add = codes(s);
    var adjustment = add.length - (ket - bra);
    Array.prototype.splice.apply(this.cur, [bra, ket - bra].concat(add));
    this.limit += adjustment;
    if (this.cursor >= ket) this.cursor += adjustment;
    else if (this.cursor > bra) this.cursor = bra;
    return adjustment;
  };
  Env.prototype.slice_from = function (s) {
    this.replace_s(this.bra, this.ket, s);
    this.ket = this.bra + s.length;
  };
  Env.prototype.slice_del = function () { this.slice_from(""); };
  Env.prototype.eq_s = function (s) {
    if (this.cursor >= this.limit) return false;
    if (this.cur.length - this.cursor < s.length) return false;
    for (var i = 0; i < s.length; i++) {
      if (this.cur[this.cursor + i] !== s.charCodeAt(i)) return false;
    }
    this.cursor += s.length;
    return true;
  };
  Env.prototype.eq_s_b = function (s) {
    if (this.cursor - this.limit_backward < s.length) return false;
    var from = this.cursor - s.length;
    for (var i = 0; i < s.length; i++) {
      if (this.cur[from + i] !== s.charCodeAt(i)) return false;
    }
    this.cursor = from;
    return true;
  };
  Env.prototype.next_char = function () { this.cursor += 1; };
  Env.prototype.previous_char = function () { this.cursor -= 1; };
  Env.prototype.hop = function (delta) {
    if (this.limit - this.cursor < delta) return false;
    this.cursor += delta;
    return true;
  };
  Env.prototype.hop_back = function (delta) {
    if (this.cursor - this.limit_backward < delta) return false;
    this.cursor -= delta;
    return true;
  };
  function inSet(chars, min, max, ch) {
    if (ch > max || ch < min) return false;
    ch -= min;
    return (chars[ch >> 3] & (1 << (ch & 7))) !== 0;
  }
  Env.prototype.in_grouping = function (chars, min, max) {
    if (this.cursor >= this.limit || !inSet(chars, min, max, this.cur[this.cursor])) return false;
    this.cursor += 1;
    return true;
  };
  Env.prototype.in_grouping_b = function (chars, min, max) {
    if (this.cursor <= this.limit_backward || !inSet(chars, min, max, this.cur[this.cursor - 1])) return false;
    this.cursor -= 1;
    return true;
  };
  Env.prototype.out_grouping = function (chars, min, max) {
    if (this.cursor >= this.limit || inSet(chars, min, max, this.cur[this.cursor])) return false;
    this.cursor += 1;
    return true;
  };
  Env.prototype.out_grouping_b = function (chars, min, max) {
    if (this.cursor <= this.limit_backward || inSet(chars, min, max, this.cur[this.cursor - 1])) return false;
    this.cursor -= 1;
    return true;
  };
  Env.prototype.go_in_grouping = function (chars, min, max) {
    while (this.cursor < this.limit) {
      if (!inSet(chars, min, max, this.cur[this.cursor])) return true;
      this.cursor += 1;
    }
    return false;
  };
  Env.prototype.go_out_grouping = function (chars, min, max) {
    while (this.cursor < this.limit) {
      if (inSet(chars, min, max, this.cur[this.cursor])) return true;
      this.cursor += 1;
    }
    return false;
  };
  Env.prototype.go_out_grouping_b = function (chars, min, max) {
    while (this.cursor > this.limit_backward) {
      if (inSet(chars, min, max, this.cur[this.cursor - 1])) return true;
      this.cursor -= 1;
    }
    return false;
  };
  Env.prototype.go_in_grouping_b = function (chars, min, max) {
    while (this.cursor > this.limit_backward) {
      if (!inSet(chars, min, max, this.cur[this.cursor - 1])) return true;
      this.cursor -= 1;
    }
    return false;
  };
  /* Binary search of a sorted table of [string, substring index, result], forwards. */
  Env.prototype.find_among = function (v) {
    var i = 0, j = v.length, c = this.cursor, l = this.limit;
    var common_i = 0, common_j = 0, first_key_inspected = false;
    for (;;) {
      var k = i + ((j - i) >> 1), diff = 0;
      var common = common_i < common_j ? common_i : common_j;
      var w = v[k];
      for (var lvar = common; lvar < w[0].length; lvar++) {
        if (c + common === l) { diff = -1; break; }
        diff = this.cur[c + common] - w[0].charCodeAt(lvar);
        if (diff !== 0) break;
        common++;
      }
      if (diff < 0) { j = k; common_j = common; } else { i = k; common_i = common; }
      if (j - i <= 1) {
        if (i > 0 || j === i || first_key_inspected) break;
        first_key_inspected = true;
      }
    }
    for (;;) {
      var w2 = v[i];
      if (common_i >= w2[0].length) {
        this.cursor = c + w2[0].length;
        return w2[2];
      }
      i = w2[1];
      if (i < 0) return 0;
    }
  };
  /* The same, backwards from the cursor. */
  Env.prototype.find_among_b = function (v) {
    var i = 0, j = v.length, c = this.cursor, lb = this.limit_backward;
    var common_i = 0, common_j = 0, first_key_inspected = false;
    for (;;) {
      var k = i + ((j - i) >> 1), diff = 0;
      var common = common_i < common_j ? common_i : common_j;
      var w = v[k];
      for (var lvar = w[0].length - 1 - common; lvar >= 0; lvar--) {
        if (c - common === lb) { diff = -1; break; }
        diff = this.cur[c - common - 1] - w[0].charCodeAt(lvar);
        if (diff !== 0) break;
        common++;
      }
      if (diff < 0) { j = k; common_j = common; } else { i = k; common_i = common; }
      if (j - i <= 1) {
        if (i > 0 || j === i || first_key_inspected) break;
        first_key_inspected = true;
      }
    }
    for (;;) {
      var w2 = v[i];
      if (common_i >= w2[0].length) {
        this.cursor = c - w2[0].length;
        return w2[2];
      }
      i = w2[1];
      if (i < 0) return 0;
    }
  };

  /* ---- The English stemmer: Snowball 3.1.1 english.sbl, ported from the generated Rust. ---- */

  const A_0 = [
    ["arsen", -1, -1],
    ["commun", -1, -1],
    ["emerg", -1, -1],
    ["gener", -1, -1],
    ["inter", -1, -1],
    ["later", -1, -1],
    ["organ", -1, -1],
    ["past", -1, -1],
    ["univers", -1, -1],
  ];

  const A_1 = [
    ["'", -1, 1],
    ["'s'", 0, 1],
    ["'s", -1, 1],
  ];

  const A_2 = [
    ["ied", -1, 2],
    ["s", -1, 3],
    ["ies", 1, 2],
    ["sses", 1, 1],
    ["ss", 1, -1],
    ["us", 1, -1],
  ];

  const A_3 = [
    ["succ", -1, 1],
    ["proc", -1, 1],
    ["exc", -1, 1],
  ];

  const A_4 = [
    ["even", -1, 2],
    ["cann", -1, 2],
    ["inn", -1, 2],
    ["earr", -1, 2],
    ["herr", -1, 2],
    ["out", -1, 2],
    ["y", -1, 1],
  ];

  const A_5 = [
    ["", -1, -1],
    ["ed", 0, 2],
    ["eed", 1, 1],
    ["ing", 0, 3],
    ["edly", 0, 2],
    ["eedly", 4, 1],
    ["ingly", 0, 2],
  ];

  const A_6 = [
    ["", -1, 3],
    ["bb", 0, 2],
    ["dd", 0, 2],
    ["ff", 0, 2],
    ["gg", 0, 2],
    ["bl", 0, 1],
    ["mm", 0, 2],
    ["nn", 0, 2],
    ["pp", 0, 2],
    ["rr", 0, 2],
    ["at", 0, 1],
    ["tt", 0, 2],
    ["iz", 0, 1],
  ];

  const A_7 = [
    ["anci", -1, 3],
    ["enci", -1, 2],
    ["ogi", -1, 14],
    ["li", -1, 16],
    ["bli", 3, 12],
    ["abli", 4, 4],
    ["alli", 3, 8],
    ["fulli", 3, 9],
    ["lessli", 3, 15],
    ["ousli", 3, 10],
    ["entli", 3, 5],
    ["aliti", -1, 8],
    ["biliti", -1, 12],
    ["iviti", -1, 11],
    ["tional", -1, 1],
    ["ational", 14, 7],
    ["alism", -1, 8],
    ["ation", -1, 7],
    ["ization", 17, 6],
    ["izer", -1, 6],
    ["ator", -1, 7],
    ["iveness", -1, 11],
    ["fulness", -1, 9],
    ["ousness", -1, 10],
    ["ogist", -1, 13],
  ];

  const A_8 = [
    ["icate", -1, 4],
    ["ative", -1, 6],
    ["alize", -1, 3],
    ["iciti", -1, 4],
    ["ical", -1, 4],
    ["tional", -1, 1],
    ["ational", 5, 2],
    ["ful", -1, 5],
    ["ness", -1, 5],
  ];

  const A_9 = [
    ["ic", -1, 1],
    ["ance", -1, 1],
    ["ence", -1, 1],
    ["able", -1, 1],
    ["ible", -1, 1],
    ["ate", -1, 1],
    ["ive", -1, 1],
    ["ize", -1, 1],
    ["iti", -1, 1],
    ["al", -1, 1],
    ["ism", -1, 1],
    ["ion", -1, 2],
    ["er", -1, 1],
    ["ous", -1, 1],
    ["ant", -1, 1],
    ["ent", -1, 1],
    ["ment", 15, 1],
    ["ement", 16, 1],
  ];

  const A_10 = [
    ["e", -1, 1],
    ["l", -1, 2],
  ];

  const A_11 = [
    ["andes", -1, -1],
    ["atlas", -1, -1],
    ["bias", -1, -1],
    ["cosmos", -1, -1],
    ["early", -1, 6],
    ["gently", -1, 4],
    ["howe", -1, -1],
    ["idly", -1, 3],
    ["news", -1, -1],
    ["only", -1, 7],
    ["singly", -1, 8],
    ["skies", -1, 2],
    ["skis", -1, 1],
    ["sky", -1, -1],
    ["ugly", -1, 5],
  ];

  const G_aeo = [17, 64];

  const G_v = [17, 65, 16, 1];

  const G_v_WXY = [1, 17, 65, 208, 1];

  const G_valid_LI = [55, 141, 2];

  function r_shortv(env) {
    lab0: {
      const v_1 = env.limit - env.cursor;
      lab1: {
        if (!env.out_grouping_b(G_v_WXY, 89, 121)) {
          break lab1;
        }
        if (!env.in_grouping_b(G_v, 97, 121)) {
          break lab1;
        }
        if (!env.out_grouping_b(G_v, 97, 121)) {
          break lab1;
        }
        break lab0;
      }
      env.cursor = env.limit - v_1;
      lab2: {
        if (!env.out_grouping_b(G_v, 97, 121)) {
          break lab2;
        }
        if (!env.in_grouping_b(G_v, 97, 121)) {
          break lab2;
        }
        if (env.cursor > env.limit_backward) {
          break lab2;
        }
        break lab0;
      }
      env.cursor = env.limit - v_1;
      if (!env.eq_s_b("past")) {
        return false;
      }
      break lab0;
    }
    return true;
  }

  function englishStem(env) {
    let among_var;
    let b_Y_found;
    let i_p2;
    let i_p1;
    lab0: {
      const v_1 = env.cursor;
      lab1: {
        env.bra = env.cursor;
        if ((env.cursor + 2 >= env.limit || env.at(env.cursor + 2) >> 5 != 3 || ((42750482 >> (env.at(env.cursor + 2) & 0x1f)) & 1) == 0)) {
          break lab1;
        }

        among_var = env.find_among(A_11);
        if (among_var == 0) {
          break lab1;
        }
        env.ket = env.cursor;
        if (env.cursor < env.limit) {
          break lab1;
        }
        switch (among_var) {
          case 1: {
            env.slice_from("ski");
          } break;
          case 2: {
            env.slice_from("sky");
          } break;
          case 3: {
            env.slice_from("idl");
          } break;
          case 4: {
            env.slice_from("gentl");
          } break;
          case 5: {
            env.slice_from("ugli");
          } break;
          case 6: {
            env.slice_from("earli");
          } break;
          case 7: {
            env.slice_from("onli");
          } break;
          case 8: {
            env.slice_from("singl");
          } break;
        }
        break lab0;
      }
      env.cursor = v_1;
      lab2: {
        lab3: {
          if (!env.hop(3)) {
            break lab3;
          }
          break lab2;
        }
        break lab0;
      }
      env.cursor = v_1;
      lab4: {
        b_Y_found = false;
        const v_2 = env.cursor;
        lab5: {
          env.bra = env.cursor;
          if (!env.eq_s("'")) {
            break lab5;
          }
          env.ket = env.cursor;
          env.slice_del();
          break lab5;
        }
        env.cursor = v_2;
        const v_3 = env.cursor;
        lab6: {
          env.bra = env.cursor;
          if (!env.eq_s("y")) {
            break lab6;
          }
          env.ket = env.cursor;
          env.slice_from("Y");
          b_Y_found = true;
          break lab6;
        }
        env.cursor = v_3;
        const v_4 = env.cursor;
        lab7: {
          replab8: while (true) {
            const v_5 = env.cursor;
            lab9: {
              golab10: while (true) {
                const v_6 = env.cursor;
                lab11: {
                  if (!env.in_grouping(G_v, 97, 121)) {
                    break lab11;
                  }
                  env.bra = env.cursor;
                  if (!env.eq_s("y")) {
                    break lab11;
                  }
                  env.ket = env.cursor;
                  env.cursor = v_6;
                  break golab10;
                }
                env.cursor = v_6;
                if (env.cursor >= env.limit) {
                  break lab9;
                }
                env.next_char();
              }
              env.slice_from("Y");
              b_Y_found = true;
              continue replab8;
            }
            env.cursor = v_5;
            break replab8;
          }
          break lab7;
        }
        env.cursor = v_4;
        break lab4;
      }
      lab12: {
        i_p1 = env.limit;
        i_p2 = env.limit;
        const v_7 = env.cursor;
        lab13: {
          lab14: {
            const v_8 = env.cursor;
            lab15: {
              if ((env.cursor + 3 >= env.limit || env.at(env.cursor + 3) >> 5 != 3 || ((5513250 >> (env.at(env.cursor + 3) & 0x1f)) & 1) == 0)) {
                break lab15;
              }

              if (env.find_among(A_0) == 0) {
                break lab15;
              }
              break lab14;
            }
            env.cursor = v_8;
            if (!env.go_out_grouping(G_v, 97, 121)) {
              break lab13;
            }
            env.next_char();
            if (!env.go_in_grouping(G_v, 97, 121)) {
              break lab13;
            }
            env.next_char();
            break lab14;
          }
          i_p1 = env.cursor;
          if (!env.go_out_grouping(G_v, 97, 121)) {
            break lab13;
          }
          env.next_char();
          if (!env.go_in_grouping(G_v, 97, 121)) {
            break lab13;
          }
          env.next_char();
          i_p2 = env.cursor;
          break lab13;
        }
        env.cursor = v_7;
        break lab12;
      }
      env.limit_backward = env.cursor;
      env.cursor = env.limit;
      const v_9 = env.limit - env.cursor;
      lab16: {
        const v_10 = env.limit - env.cursor;
        lab17: {
          env.ket = env.cursor;
          if ((env.cursor <= env.limit_backward || (env.at(env.cursor - 1) != 39 && env.at(env.cursor - 1) != 115))) {
            env.cursor = env.limit - v_10;
            break lab17;
          }

          if (env.find_among_b(A_1) == 0) {
            env.cursor = env.limit - v_10;
            break lab17;
          }
          env.bra = env.cursor;
          env.slice_del();
          break lab17;
        }
        env.ket = env.cursor;
        if ((env.cursor <= env.limit_backward || (env.at(env.cursor - 1) != 100 && env.at(env.cursor - 1) != 115))) {
          break lab16;
        }

        among_var = env.find_among_b(A_2);
        if (among_var == 0) {
          break lab16;
        }
        env.bra = env.cursor;
        switch (among_var) {
          case 1: {
            env.slice_from("ss");
          } break;
          case 2: {
            lab18: {
              const v_11 = env.limit - env.cursor;
              lab19: {
                if (!env.hop_back(2)) {
                  break lab19;
                }
                env.slice_from("i");
                break lab18;
              }
              env.cursor = env.limit - v_11;
              env.slice_from("ie");
              break lab18;
            }
          } break;
          case 3: {
            if (env.cursor <= env.limit_backward) {
              break lab16;
            }
            env.previous_char();
            if (!env.go_out_grouping_b(G_v, 97, 121)) {
              break lab16;
            }
            env.previous_char();
            env.slice_del();
          } break;
        }
        break lab16;
      }
      env.cursor = env.limit - v_9;
      const v_12 = env.limit - env.cursor;
      lab20: {
        env.ket = env.cursor;
        if (env.cursor - 1 <= env.limit_backward || env.at(env.cursor - 1) >> 5 != 3 || ((33554576 >> (env.at(env.cursor - 1) & 0x1f)) & 1) == 0) { among_var = -1; }
        else {
          among_var = env.find_among_b(A_5);
        }
        env.bra = env.cursor;
        lab21: {
          const v_13 = env.limit - env.cursor;
          lab22: {
            switch (among_var) {
              case 1: {
                const v_14 = env.limit - env.cursor;
                lab23: {
                  if (i_p1 > env.cursor) {
                    break lab23;
                  }
                  lab24: {
                    const v_15 = env.limit - env.cursor;
                    lab25: {
                      if ((env.cursor - 2 <= env.limit_backward || env.at(env.cursor - 1) != 99)) {
                        break lab25;
                      }

                      if (env.find_among_b(A_3) == 0) {
                        break lab25;
                      }
                      if (env.cursor > env.limit_backward) {
                        break lab25;
                      }
                      break lab24;
                    }
                    env.cursor = env.limit - v_15;
                    env.slice_from("ee");
                    break lab24;
                  }
                  break lab23;
                }
                env.cursor = env.limit - v_14;
              } break;
              case 2: {
                break lab22;
              } break;
              case 3: {
                if ((env.cursor <= env.limit_backward || env.at(env.cursor - 1) >> 5 != 3 || ((34881536 >> (env.at(env.cursor - 1) & 0x1f)) & 1) == 0)) {
                  break lab22;
                }

                among_var = env.find_among_b(A_4);
                if (among_var == 0) {
                  break lab22;
                }
                switch (among_var) {
                  case 1: {
                    const v_16 = env.limit - env.cursor;
                    if (!env.out_grouping_b(G_v, 97, 121)) {
                      break lab22;
                    }
                    if (env.cursor > env.limit_backward) {
                      break lab22;
                    }
                    env.cursor = env.limit - v_16;
                    env.bra = env.cursor;
                    env.slice_from("ie");
                  } break;
                  case 2: {
                    if (env.cursor > env.limit_backward) {
                      break lab22;
                    }
                  } break;
                }
              } break;
            }
            break lab21;
          }
          env.cursor = env.limit - v_13;
          const v_17 = env.limit - env.cursor;
          if (!env.go_out_grouping_b(G_v, 97, 121)) {
            break lab20;
          }
          env.previous_char();
          env.cursor = env.limit - v_17;
          env.slice_del();
          env.ket = env.cursor;
          env.bra = env.cursor;
          const v_18 = env.limit - env.cursor;
          if (env.cursor - 1 <= env.limit_backward || env.at(env.cursor - 1) >> 5 != 3 || ((68514004 >> (env.at(env.cursor - 1) & 0x1f)) & 1) == 0) { among_var = 3; }
          else {
            among_var = env.find_among_b(A_6);
          }
          switch (among_var) {
            case 1: {
              env.slice_from("e");
              break lab20;
            } break;
            case 2: {
              const v_19 = env.limit - env.cursor;
              lab26: {
                if (!env.in_grouping_b(G_aeo, 97, 111)) {
                  break lab26;
                }
                if (env.cursor > env.limit_backward) {
                  break lab26;
                }
                break lab20;
              }
              env.cursor = env.limit - v_19;
            } break;
            case 3: {
              if (env.cursor != i_p1) {
                break lab20;
              }
              const v_20 = env.limit - env.cursor;
              if (!r_shortv(env)) {
                break lab20;
              }
              env.cursor = env.limit - v_20;
              env.slice_from("e");
              break lab20;
            } break;
          }
          env.cursor = env.limit - v_18;
          env.ket = env.cursor;
          if (env.cursor <= env.limit_backward) {
            break lab20;
          }
          env.previous_char();
          env.bra = env.cursor;
          env.slice_del();
          break lab21;
        }
        break lab20;
      }
      env.cursor = env.limit - v_12;
      const v_21 = env.limit - env.cursor;
      lab27: {
        env.ket = env.cursor;
        lab28: {
          lab29: {
            if (!env.eq_s_b("y")) {
              break lab29;
            }
            break lab28;
          }
          if (!env.eq_s_b("Y")) {
            break lab27;
          }
          break lab28;
        }
        env.bra = env.cursor;
        if (!env.out_grouping_b(G_v, 97, 121)) {
          break lab27;
        }
        if (env.cursor <= env.limit_backward) {
          break lab27;
        }
        env.slice_from("i");
        break lab27;
      }
      env.cursor = env.limit - v_21;
      const v_22 = env.limit - env.cursor;
      lab30: {
        env.ket = env.cursor;
        if ((env.cursor - 1 <= env.limit_backward || env.at(env.cursor - 1) >> 5 != 3 || ((1864192 >> (env.at(env.cursor - 1) & 0x1f)) & 1) == 0)) {
          break lab30;
        }

        among_var = env.find_among_b(A_7);
        if (among_var == 0) {
          break lab30;
        }
        env.bra = env.cursor;
        if (i_p1 > env.cursor) {
          break lab30;
        }
        switch (among_var) {
          case 1: {
            env.slice_from("tion");
          } break;
          case 2: {
            env.slice_from("ence");
          } break;
          case 3: {
            env.slice_from("ance");
          } break;
          case 4: {
            env.slice_from("able");
          } break;
          case 5: {
            env.slice_from("ent");
          } break;
          case 6: {
            env.slice_from("ize");
          } break;
          case 7: {
            env.slice_from("ate");
          } break;
          case 8: {
            env.slice_from("al");
          } break;
          case 9: {
            env.slice_from("ful");
          } break;
          case 10: {
            env.slice_from("ous");
          } break;
          case 11: {
            env.slice_from("ive");
          } break;
          case 12: {
            env.slice_from("ble");
          } break;
          case 13: {
            env.slice_from("og");
          } break;
          case 14: {
            if (!env.eq_s_b("l")) {
              break lab30;
            }
            env.slice_from("og");
          } break;
          case 15: {
            env.slice_from("less");
          } break;
          case 16: {
            if (!env.in_grouping_b(G_valid_LI, 99, 116)) {
              break lab30;
            }
            env.slice_del();
          } break;
        }
        break lab30;
      }
      env.cursor = env.limit - v_22;
      const v_23 = env.limit - env.cursor;
      lab31: {
        env.ket = env.cursor;
        if ((env.cursor - 2 <= env.limit_backward || env.at(env.cursor - 1) >> 5 != 3 || ((528928 >> (env.at(env.cursor - 1) & 0x1f)) & 1) == 0)) {
          break lab31;
        }

        among_var = env.find_among_b(A_8);
        if (among_var == 0) {
          break lab31;
        }
        env.bra = env.cursor;
        if (i_p1 > env.cursor) {
          break lab31;
        }
        switch (among_var) {
          case 1: {
            env.slice_from("tion");
          } break;
          case 2: {
            env.slice_from("ate");
          } break;
          case 3: {
            env.slice_from("al");
          } break;
          case 4: {
            env.slice_from("ic");
          } break;
          case 5: {
            env.slice_del();
          } break;
          case 6: {
            if (i_p2 > env.cursor) {
              break lab31;
            }
            env.slice_del();
          } break;
        }
        break lab31;
      }
      env.cursor = env.limit - v_23;
      const v_24 = env.limit - env.cursor;
      lab32: {
        env.ket = env.cursor;
        if ((env.cursor - 1 <= env.limit_backward || env.at(env.cursor - 1) >> 5 != 3 || ((1864232 >> (env.at(env.cursor - 1) & 0x1f)) & 1) == 0)) {
          break lab32;
        }

        among_var = env.find_among_b(A_9);
        if (among_var == 0) {
          break lab32;
        }
        env.bra = env.cursor;
        if (i_p2 > env.cursor) {
          break lab32;
        }
        switch (among_var) {
          case 1: {
            env.slice_del();
          } break;
          case 2: {
            lab33: {
              lab34: {
                if (!env.eq_s_b("s")) {
                  break lab34;
                }
                break lab33;
              }
              if (!env.eq_s_b("t")) {
                break lab32;
              }
              break lab33;
            }
            env.slice_del();
          } break;
        }
        break lab32;
      }
      env.cursor = env.limit - v_24;
      const v_25 = env.limit - env.cursor;
      lab35: {
        env.ket = env.cursor;
        if ((env.cursor <= env.limit_backward || (env.at(env.cursor - 1) != 101 && env.at(env.cursor - 1) != 108))) {
          break lab35;
        }

        among_var = env.find_among_b(A_10);
        if (among_var == 0) {
          break lab35;
        }
        env.bra = env.cursor;
        switch (among_var) {
          case 1: {
            lab36: {
              lab37: {
                if (i_p2 > env.cursor) {
                  break lab37;
                }
                break lab36;
              }
              if (i_p1 > env.cursor) {
                break lab35;
              }
              const v_26 = env.limit - env.cursor;
              lab38: {
                if (!r_shortv(env)) {
                  break lab38;
                }
                break lab35;
              }
              env.cursor = env.limit - v_26;
              break lab36;
            }
            env.slice_del();
          } break;
          case 2: {
            if (i_p2 > env.cursor) {
              break lab35;
            }
            if (!env.eq_s_b("l")) {
              break lab35;
            }
            env.slice_del();
          } break;
        }
        break lab35;
      }
      env.cursor = env.limit - v_25;
      env.cursor = env.limit_backward;
      const v_27 = env.cursor;
      lab39: {
        if (!b_Y_found) {
          break lab39;
        }
        replab40: while (true) {
          const v_28 = env.cursor;
          lab41: {
            golab42: while (true) {
              const v_29 = env.cursor;
              lab43: {
                env.bra = env.cursor;
                if (!env.eq_s("Y")) {
                  break lab43;
                }
                env.ket = env.cursor;
                env.cursor = v_29;
                break golab42;
              }
              env.cursor = v_29;
              if (env.cursor >= env.limit) {
                break lab41;
              }
              env.next_char();
            }
            env.slice_from("y");
            continue replab40;
          }
          env.cursor = v_28;
          break replab40;
        }
        break lab39;
      }
      env.cursor = v_27;
      break lab0;
    }
    return true;
  }

  /* ---- end of the ported stemmer ---- */

  function stem(word) {
    var env = new Env(word);
    englishStem(env);
    return String.fromCodePoint.apply(null, env.cur);
  }

  /* STOP_WORDS: words a query drops when it has other words, so that "logs not shipped" does
     not match every page that says "not"; QUESTION_WORDS too ("why did ..."). COMPOUNDS: operations words written closed, open or
     hyphenated, as their two words (see joinCompounds). Both are src/analysis.rs's lists,
     written here by tests/search_parity.rs (HINDSIGHT_UPDATE_FOLD=1 rewrites them). */
  // BEGIN ANALYSIS LISTS
  var STOP_WORDS = ["a","an","and","are","as","at","be","but","by","for","if","in","into","is","it","no","not","of","on","or","such","that","the","their","then","there","these","they","this","to","was","were","will","with"];
  var QUESTION_WORDS = ["how","what","when","where","which","who","why","do","does","did","like","similar","happen"];
  var COMPOUNDS = [["back","fill"],["back","off"],["back","up"],["check","list"],["clean","up"],["crash","loop"],["data","center"],["dead","lock"],["down","time"],["end","point"],["fail","over"],["fall","back"],["file","system"],["hand","off"],["hard","code"],["health","check"],["hot","fix"],["lock","out"],["log","in"],["log","out"],["look","up"],["name","space"],["on","call"],["oom","kill"],["play","book"],["post","mortem"],["roll","back"],["roll","out"],["roll","over"],["run","book"],["set","up"],["shut","down"],["sign","up"],["start","up"],["tear","down"],["time","out"],["up","time"],["web","hook"],["work","around"]];
  // END ANALYSIS LISTS

  /* tantivy's AsciiFoldingFilter as a table: ASCII replacement -> the characters it replaces.
     Generated from tantivy by tests/search_parity.rs (HINDSIGHT_UPDATE_FOLD=1 rewrites it). */
  // BEGIN FOLD TABLE
  var FOLD_TABLE = {"!":"！","!!":"‼","!?":"⁉","\"":"«»“”„″‶❝❞❮❯＂","#":"＃","$":"＄","%":"⁒％","&":"＆","'":"‘’‚‛′‵‹›❛❜＇","(":"⁽₍❨❪（","((":"⸨","(1)":"⑴","(10)":"⑽","(11)":"⑾","(12)":"⑿","(13)":"⒀","(14)":"⒁","(15)":"⒂","(16)":"⒃","(17)":"⒄","(18)":"⒅","(19)":"⒆","(2)":"⑵","(20)":"⒇","(3)":"⑶","(4)":"⑷","(5)":"⑸","(6)":"⑹","(7)":"⑺","(8)":"⑻","(9)":"⑼","(a)":"⒜","(b)":"⒝","(c)":"⒞","(d)":"⒟","(e)":"⒠","(f)":"⒡","(g)":"⒢","(h)":"⒣","(i)":"⒤","(j)":"⒥","(k)":"⒦","(l)":"⒧","(m)":"⒨","(n)":"⒩","(o)":"⒪","(p)":"⒫","(q)":"⒬","(r)":"⒭","(s)":"⒮","(t)":"⒯","(u)":"⒰","(v)":"⒱","(w)":"⒲","(x)":"⒳","(y)":"⒴","(z)":"⒵",")":"⁾₎❩❫）","))":"⸩","*":"⁎＊","+":"⁺₊＋",",":"，","-":"‐‑‒–—⁻₋－",".":"．","/":"⁄／","0":"⁰₀⓪⓿０","1":"¹₁①⓵❶➀➊１","1.":"⒈","10":"⑩⓾❿➉➓","10.":"⒑","11":"⑪⓫","11.":"⒒","12":"⑫⓬","12.":"⒓","13":"⑬⓭","13.":"⒔","14":"⑭⓮","14.":"⒕","15":"⑮⓯","15.":"⒖","16":"⑯⓰","16.":"⒗","17":"⑰⓱","17.":"⒘","18":"⑱⓲","18.":"⒙","19":"⑲⓳","19.":"⒚","2":"²₂②⓶❷➁➋２","2.":"⒉","20":"⑳⓴","20.":"⒛","3":"³₃③⓷❸➂➌３","3.":"⒊","4":"⁴₄④⓸❹➃➍４","4.":"⒋","5":"⁵₅⑤⓹❺➄➎５","5.":"⒌","6":"⁶₆⑥⓺❻➅➏６","6.":"⒍","7":"⁷₇⑦⓻❼➆➐７","7.":"⒎","8":"⁸₈⑧⓼❽➇➑８","8.":"⒏","9":"⁹₉⑨⓽❾➈➒９","9.":"⒐",":":"：",";":"⁏；","<":"❬❰＜","=":"⁼₌＝",">":"❭❱＞","?":"？","?!":"⁈","??":"⁇","@":"＠","A":"ÀÁÂÃÄÅĀĂĄƏǍǞǠǺȀȂȦȺᴀḀẠẢẤẦẨẪẬẮẰẲẴẶⒶＡ","AA":"Ꜳ","AE":"ÆǢǼᴁ","AO":"Ꜵ","AU":"Ꜷ","AV":"ꜸꜺ","AY":"Ꜽ","B":"ƁƂɃʙᴃḂḄḆⒷＢ","C":"ÇĆĈĊČƇȻʗᴄḈⒸＣ","D":"ÐĎĐƉƊƋᴅᴆḊḌḎḐḒⒹꝹＤ","DZ":"ǄǱ","Dz":"ǅǲ","E":"ÈÉÊËĒĔĖĘĚƎƐȄȆȨɆᴇḔḖḘḚḜẸẺẼẾỀỂỄỆⒺⱻＥ","F":"ƑḞⒻꜰꝻꟻＦ","G":"ĜĞĠĢƓǤǥǦǧǴɢʛḠⒼꝽꝾＧ","H":"ĤĦȞʜḢḤḦḨḪⒽⱧⱵＨ","HV":"Ƕ","I":"ÌÍÎÏĨĪĬĮİƖƗǏȈȊɪᵻḬḮỈỊⒾꟾＩ","IJ":"Ĳ","J":"ĴɈᴊⒿＪ","K":"ĶƘǨᴋḰḲḴⓀⱩꝀꝂꝄＫ","L":"ĹĻĽĿŁȽʟᴌḶḸḺḼⓁⱠⱢꝆꝈꞀＬ","LJ":"Ǉ","LL":"Ỻ","Lj":"ǈ","M":"ƜᴍḾṀṂⓂⱮꟽꟿＭ","N":"ÑŃŅŇŊƝǸȠɴᴎṄṆṈṊⓃＮ","NJ":"Ǌ","Nj":"ǋ","O":"ÒÓÔÕÖØŌŎŐƆƟƠǑǪǬǾȌȎȪȬȮȰᴏᴐṌṎṐṒỌỎỐỒỔỖỘỚỜỞỠỢⓄꝊꝌＯ","OE":"Œɶ","OO":"Ꝏ","OU":"Ȣᴕ","P":"ƤᴘṔṖⓅⱣꝐꝒꝔＰ","Q":"ɊⓆꝖꝘＱ","R":"ŔŖŘȐȒɌʀʁᴙᴚṘṚṜṞⓇⱤꝚꞂＲ","S":"ŚŜŞŠȘṠṢṤṦṨⓈꜱꞅＳ","SS":"ẞ","T":"ŢŤŦƬƮȚȾᴛṪṬṮṰⓉꞆＴ","TH":"ÞꝦ","TZ":"Ꜩ","U":"ÙÚÛÜŨŪŬŮŰŲƯǓǕǗǙǛȔȖɄᴜᵾṲṴṶṸṺỤỦỨỪỬỮỰⓊＵ","V":"ƲɅᴠṼṾỼⓋꝞꝨＶ","VY":"Ꝡ","W":"ŴǷᴡẀẂẄẆẈⓌⱲＷ","X":"ẊẌⓍＸ","Y":"ÝŶŸƳȲɎʏẎỲỴỶỸỾⓎＹ","Z":"ŹŻŽƵȜȤᴢẐẒẔⓏⱫꝢＺ","[":"⁅❲［","\\":"＼","]":"⁆❳］","^":"‸＾","_":"＿","a":"àáâãäåāăąǎǟǡǻȁȃȧɐəɚᶏᶕḁẚạảấầẩẫậắằẳẵặₐₔⓐⱥⱯａ","aa":"ꜳ","ae":"æǣǽᴂ","ao":"ꜵ","au":"ꜷ","av":"ꜹꜻ","ay":"ꜽ","b":"ƀƃɓᵬᶀḃḅḇⓑｂ","c":"çćĉċčƈȼɕḉↄⓒꜾꜿｃ","d":"ðďđƌȡɖɗᵭᶁᶑḋḍḏḑḓⓓꝺｄ","db":"ȸ","dz":"ǆǳʣʥ","e":"èéêëēĕėęěǝȅȇȩɇɘɛɜɝɞʚᴈᶒᶓᶔḕḗḙḛḝẹẻẽếềểễệₑⓔⱸｅ","f":"ƒᵮᶂḟẛⓕꝼｆ","ff":"ﬀ","ffi":"ﬃ","ffl":"ﬄ","fi":"ﬁ","fl":"ﬂ","g":"ĝğġģǵɠɡᵷᵹᶃḡⓖꝿｇ","h":"ĥħȟɥɦʮʯḣḥḧḩḫẖⓗⱨⱶｈ","hv":"ƕ","i":"ìíîïĩīĭįıǐȉȋɨᴉᵢᵼᶖḭḯỉịⁱⓘｉ","ij":"ĳ","j":"ĵǰȷɉɟʄʝⓙⱼｊ","k":"ķƙǩʞᶄḱḳḵⓚⱪꝁꝃꝅｋ","l":"ĺļľŀłƚȴɫɬɭᶅḷḹḻḽⓛⱡꝇꝉꞁｌ","lj":"ǉ","ll":"ỻ","ls":"ʪ","lz":"ʫ","m":"ɯɰɱᵯᶆḿṁṃⓜｍ","n":"ñńņňŉŋƞǹȵɲɳᵰᶇṅṇṉṋⁿⓝｎ","nj":"ǌ","o":"òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱɔɵᴖᴗᶗṍṏṑṓọỏốồổỗộớờởỡợₒⓞⱺꝋꝍｏ","oe":"œᴔ","oo":"ꝏ","ou":"ȣ","p":"ƥᵱᵽᶈṕṗⓟꝑꝓꝕꟼｐ","q":"ĸɋʠⓠꝗꝙｑ","qp":"ȹ","r":"ŕŗřȑȓɍɼɽɾɿᵣᵲᵳᶉṙṛṝṟⓡꝛꞃｒ","s":"śŝşšſșȿʂᵴᶊṡṣṥṧṩẜẝⓢꞄｓ","ss":"ß","st":"ﬆ","t":"ţťŧƫƭțȶʇʈᵵṫṭṯṱẗⓣⱦｔ","tc":"ʨ","th":"þᵺꝧ","ts":"ʦ","tz":"ꜩ","u":"ùúûüũūŭůűųưǔǖǘǚǜȕȗʉᵤᶙṳṵṷṹṻụủứừửữựⓤｕ","ue":"ᵫ","v":"ʋʌᵥᶌṽṿⓥⱱⱴꝟｖ","vy":"ꝡ","w":"ŵƿʍẁẃẅẇẉẘⓦⱳｗ","x":"ᶍẋẍₓⓧｘ","y":"ýÿŷƴȳɏʎẏẙỳỵỷỹỿⓨｙ","z":"źżžƶȝȥɀʐʑᵶᶎẑẓẕⓩⱬꝣｚ","{":"❴｛","}":"❵｝","~":"⁓～"};
  // END FOLD TABLE
  var FOLD = new Map();
  Object.keys(FOLD_TABLE).forEach(function (ascii) {
    Array.from(FOLD_TABLE[ascii]).forEach(function (c) { FOLD.set(c, ascii); });
  });

  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  function lowerFold(token) {
    var out = "";
    for (var c of token) {
      // Character by character, as Rust's char::to_lowercase (no final-sigma rule).
      for (var l of c.toLowerCase()) out += FOLD.has(l) ? FOLD.get(l) : l;
    }
    return out;
  }

  /* How a letter or digit joins its neighbours into a word, as `script` in src/analysis.rs does
     (not named `script` here: that name is the page's <script> element, below, and a `var`
     of that name would replace the function): "alone" (a Han ideograph or a hiragana letter
     is a word by itself), "kana" (runs of katakana are words) or "other". */
  function joining(c) {
    var n = c.codePointAt(0);
    if (n === 0x3005 || n === 0x3007 || (n >= 0x3021 && n <= 0x3029) || (n >= 0x3038 && n <= 0x303b)) return "alone";
    if ((n >= 0x3041 && n <= 0x309f) || (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff)) return "alone";
    if ((n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x323af)) return "alone";
    if ((n >= 0x30a0 && n <= 0x30ff) || (n >= 0x31f0 && n <= 0x31ff) || (n >= 0xff66 && n <= 0xff9f)) return "kana";
    return "other";
  }

  /* The tokens of `text`: {term, start, end, raw} with UTF-16 offsets into `text`. */
  function tokens(text) {
    return joinCompounds(text, words(text));
  }

  /* The words of `text`, each a token, before compounds are joined. */
  function words(text) {
    var out = [];
    var start = -1;
    var kind = null;
    var i = 0;
    function flush(end) {
      if (start < 0) return;
      var raw = text.slice(start, end);
      if (utf8Length(raw) < 65) {
        out.push({ term: stem(lowerFold(raw)), start: start, end: end, raw: raw });
      }
      start = -1;
    }
    for (var c of text) {
      if (ALNUM.test(c)) {
        var k = joining(c);
        if (start >= 0 && (k !== kind || k === "alone")) flush(i);
        if (start < 0) { start = i; kind = k; }
      } else {
        flush(i);
      }
      i += c.length;
    }
    flush(i);
    return out;
  }

  /* Identifiers, as src/analysis.rs's `Ids` reads them: two or more words, each joined to the
     next by one hyphen or underscore, with a digit among them (PM2021-005, INC_2023-042,
     2021-01-05-logs), are also one token: the words lowercased and folded, not stemmed, joined
     by hyphens, when that is shorter than 40 bytes. */
  function idTokens(text) {
    var out = [];
    var chain = [];
    function end() {
      if (chain.length >= 2) {
        var term = chain.map(function (w) { return lowerFold(w.raw); }).join("-");
        if (utf8Length(term) < 40 && /[0-9]/.test(term)) {
          var first = chain[0], last = chain[chain.length - 1];
          out.push({ term: term, start: first.start, end: last.end, raw: text.slice(first.start, last.end), id: true });
        }
      }
      chain = [];
    }
    words(text).forEach(function (w) {
      var prev = chain[chain.length - 1];
      var gap = prev ? text.slice(prev.end, w.start) : "";
      if (!(prev && (gap === "-" || gap === "_"))) end();
      chain.push(w);
    });
    end();
    return out;
  }

  /* The parts of words written in camel case, as src/analysis.rs's `Parts` reads them:
     NotReady holds "not" and "readi", CrashLoopBackOff "crashloop" and "backoff". A part
     begins at an ASCII capital after a small letter (Not|Ready) or at the last capital of a run
     followed by a small letter (OOM|Killed); parts of one character are left out, and a word
     needs two parts left to have any. Parts are stemmed, the compounds among them joined, and a
     part whose term is the whole word's (CrashLoop) left out. Each is a token of its piece of
     the word, with `word`, the term of the word. */
  function camelPieces(raw) {
    var up = function (c) { return c >= "A" && c <= "Z"; };
    var low = function (c) { return c >= "a" && c <= "z"; };
    var pieces = [];
    var start = 0;
    for (var i = 1; i < raw.length; i++) {
      if (up(raw[i]) && (low(raw[i - 1]) || (up(raw[i - 1]) && i + 1 < raw.length && low(raw[i + 1])))) {
        pieces.push([start, i]);
        start = i;
      }
    }
    if (start === 0) return [];
    pieces.push([start, raw.length]);
    pieces = pieces.filter(function (p) { return Array.from(raw.slice(p[0], p[1])).length >= 2; });
    return pieces.length >= 2 ? pieces : [];
  }

  function partTokens(text) {
    var out = [];
    words(text).forEach(function (w) {
      var pieces = camelPieces(w.raw);
      if (!pieces.length) return;
      var toks = pieces.map(function (p) {
        var raw = w.raw.slice(p[0], p[1]);
        return { term: stem(lowerFold(raw)), start: w.start + p[0], end: w.start + p[1], raw: raw };
      });
      joinCompounds(text, toks).forEach(function (t) {
        if (t.term !== w.term) out.push(t);
      });
    });
    return out;
  }

  /* Two tokens next to each other, with only whitespace (what Rust's char::is_whitespace
     calls so) or hyphens between them, that make one of the COMPOUNDS become one token with
     the term of the closed word ("rolled back" -> "rollback"), as src/analysis.rs joins them. */
  var GAP = /^[\t\n\v\f\r \x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000-]*$/;
  var JOINED = null;
  function joinCompounds(text, toks) {
    if (!JOINED) {
      JOINED = new Map();
      var term = function (w) { return stem(lowerFold(w)); };
      COMPOUNDS.forEach(function (c) {
        var first = term(c[0]);
        if (!JOINED.has(first)) JOINED.set(first, new Map());
        JOINED.get(first).set(term(c[1]), term(c[0] + c[1]));
      });
    }
    var out = [];
    var open = false; // whether the last token of `out` may begin a compound
    toks.forEach(function (t) {
      var prev = out[out.length - 1];
      var seconds = open && JOINED.get(prev.term);
      if (seconds && seconds.has(t.term) && GAP.test(text.slice(prev.end, t.start))) {
        out[out.length - 1] = { term: seconds.get(t.term), start: prev.start, end: t.end, raw: text.slice(prev.start, t.end) };
        open = false;
        return;
      }
      out.push(t);
      open = true;
    });
    return out;
  }

  /* The terms of the words of the compound whose closed word's term is `term`, without the
     stop words (oomkil: oom, kill; oncal: call); none for a term that is no compound's. */
  var SPLIT = null;
  function compoundWords(term) {
    if (!SPLIT) {
      SPLIT = new Map();
      var t = function (w) { return stem(lowerFold(w)); };
      COMPOUNDS.forEach(function (c) { SPLIT.set(t(c[0] + c[1]), [t(c[0]), t(c[1])]); });
    }
    return (SPLIT.get(term) || []).filter(function (w) { return !stopTerms().has(w); });
  }

  /* The terms of `text` as the indexes hold them: its tokens, then its identifiers, then the
     parts of its camel-case words. */
  function analyze(text) {
    return tokens(text).concat(idTokens(text), partTokens(text)).map(function (t) { return t.term; });
  }

  var STOP_TERMS = null;

  function stopTerms() {
    if (!STOP_TERMS) {
      STOP_TERMS = new Set();
      STOP_WORDS.concat(QUESTION_WORDS).forEach(function (w) { analyze(w).forEach(function (t) { STOP_TERMS.add(t); }); });
    }
    return STOP_TERMS;
  }

  /* What Rust's char::is_whitespace calls whitespace. */
  var SPACE = /[\t\n\v\f\r \x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

  /* The exclusions of a query, as src/analysis.rs's `read_query` reads them: pieces written
     with a leading "-" (at the start or after whitespace, up to the next whitespace, more than
     the "-" alone), as {start, end} UTF-16 offsets, the "-" included. */
  function exclusions(query) {
    var pieces = [];
    var start = -1;
    var i = 0;
    for (var c of query + " ") {
      if (!SPACE.test(c)) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        pieces.push({ start: start, end: i });
        start = -1;
      }
      i += c.length;
    }
    // `from`: where the word left out begins, after the "-" or the "NOT " (logs NOT fluentd).
    var out = [];
    for (var k = 0; k < pieces.length; k++) {
      var p = pieces[k], n = pieces[k + 1];
      if (n && query.slice(p.start, p.end) === "NOT" && query[n.start] !== "-") {
        out.push({ start: p.start, end: n.end, from: n.start });
        k++;
      } else if (query[p.start] === "-" && p.end - p.start > 1) {
        out.push({ start: p.start, end: p.end, from: p.start + 1 });
      }
    }
    return out;
  }

  /* The tokens a query searches for: each term once, in order, without the stop words unless
     nothing else is left, and without its exclusions, which stand between the other words. */
  function queryTokens(query) {
    var rest = query;
    exclusions(query).forEach(function (x) {
      rest = rest.slice(0, x.start) + ".".repeat(x.end - x.start) + rest.slice(x.end);
    });
    var seen = new Set();
    var all = tokens(rest).concat(idTokens(rest), partTokens(rest)).filter(function (t) {
      if (seen.has(t.term)) return false;
      seen.add(t.term);
      return true;
    });
    var kept = all.filter(function (t) { return !stopTerms().has(t.term); });
    var inside = insideIds(rest);
    kept = kept.length ? kept : all;
    kept.forEach(function (t) { if (!t.id && inside.has(t.term)) t.inside = inside.get(t.term); });
    return kept;
  }

  /* The terms of `text` written only inside identifiers or camel-case words, each with the
     term of the identifier or word that holds it at each place (`QS-2021-016` holds `qs`,
     `2021` and `016`; `NotReady` holds `readi`), as src/analysis.rs's `inside_ids` reads them:
     a Map, in order. */
  function insideIds(text) {
    var ids = idTokens(text);
    var toks = tokens(text);
    var out = new Map();
    function place(w, holders) {
      var holder = holders.find(function (h) { return h.start <= w.start && w.end <= h.end; });
      if (!out.has(w.term)) out.set(w.term, []);
      var held = out.get(w.term);
      if (!holder) out.set(w.term, null);
      else if (held) held.push(holder.term);
    }
    toks.forEach(function (w) { place(w, ids); });
    partTokens(text).forEach(function (p) { place(p, toks); });
    out.forEach(function (held, term) { if (!held) out.delete(term); });
    return out;
  }

  /* What `Query::inside_ids` in src/analysis.rs holds for a query: [term, [identifiers]] for
     each term it searches for that is written only inside identifiers. */
  function queryInsideIds(query) {
    return queryTokens(query).filter(function (t) { return t.inside; }).map(function (t) {
      return [t.term, t.inside];
    });
  }

  function queryTerms(query) {
    return queryTokens(query).map(function (t) { return t.term; });
  }

  /* The terms a query leaves out: those of its exclusions, each once, in order, an
     identifier's term rather than its words (-PM2021-005 is pm2021-005), never a stop word. */
  function excludedTerms(query) {
    var out = [];
    exclusionTerms(query).forEach(function (x) {
      x.terms.forEach(function (t) { if (out.indexOf(t) < 0) out.push(t); });
    });
    return out;
  }

  /* Each exclusion of a query as written ("-fluentd", with its UTF-16 `end`) and its terms,
     as `Query::exclusions` in src/analysis.rs holds them. */
  function exclusionTerms(query) {
    return exclusions(query).map(function (x) {
      var text = query.slice(x.from, x.end);
      var ids = idTokens(text);
      var terms = [];
      tokens(text).filter(function (w) {
        return !ids.some(function (id) { return id.start <= w.start && w.end <= id.end; });
      }).concat(ids).forEach(function (t) {
        if (!stopTerms().has(t.term) && terms.indexOf(t.term) < 0) terms.push(t.term);
      });
      return { written: query.slice(x.start, x.end), end: x.end, terms: terms };
    });
  }

  var api = { analyze: analyze, stem: stem, lowerFold: lowerFold, tokens: tokens, queryTerms: queryTerms,
    excludedTerms: excludedTerms, queryInsideIds: queryInsideIds, STOP_WORDS: STOP_WORDS, COMPOUNDS: COMPOUNDS };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  if (typeof document === "undefined") return;

  // ---------------------------------------------------------------- the search page

  var PAGE = 5;
  var ID_BIT = 0x80000000;
  var SNIPPET_TOKENS = 30;
  var script = document.currentScript;
  var root = new URL((script && script.dataset.root) || "./", document.baseURI);
  var base = new URL("search/", root);
  var entryPromise = null;
  var cache = new Map();

  function fetchJSON(name, fresh) {
    if (!cache.has(name)) {
      var p = fetch(new URL(name, base), fresh ? { cache: "no-cache" } : {}).then(function (r) {
        if (!r.ok) throw new Error("cannot load " + name + ": HTTP " + r.status);
        return r.json();
      });
      p.catch(function () { cache.delete(name); });
      cache.set(name, p);
    }
    return cache.get(name);
  }

  function entry() {
    if (!entryPromise) entryPromise = fetchJSON("index.json", true);
    return entryPromise;
  }

  /* The shard that holds `term`: the last one whose first term is <= term. */
  function shardIndex(e, term) {
    var lo = 0, hi = e.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (e.shards[mid][0] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function shard(e, i) {
    return fetchJSON(e.shards[i][1]);
  }

  /* Terms for one query word: its stem, and while it is still being typed, the terms that
     start with what was typed so far. */
  async function wordTerms(e, word, typing) {
    var terms = [word.term];
    var data = await shard(e, shardIndex(e, word.term));
    if (typing && word.prefix.length >= 3) {
      var i = shardIndex(e, word.prefix);
      for (var n = 0; n < 2 && i + n < e.shards.length; n++) {
        if (n > 0 && !e.shards[i + n][0].startsWith(word.prefix)) break;
        var d = await shard(e, i + n);
        for (var t in d) {
          if (t.startsWith(word.prefix) && terms.indexOf(t) < 0 && terms.length < 24) terms.push(t);
        }
      }
    }
    var lists = [];
    for (var k = 0; k < terms.length; k++) {
      var s = await shard(e, shardIndex(e, terms[k]));
      if (s[terms[k]]) lists.push(s[terms[k]]);
    }
    return { terms: terms, lists: lists };
  }

  /* A postings list: [doc delta, score, mask] triples; a list cut to the best documents ends
     with one more number, how many documents hold the term. */
  function decode(list, visit) {
    var doc = 0;
    for (var i = 0; i + 2 < list.length; i += 3) {
      doc += list[i];
      visit(doc, list[i + 1], list[i + 2]);
    }
  }

  function activeFilters() {
    var f = {};
    document.querySelectorAll("[data-facet]").forEach(function (sel) {
      if (sel.value !== "") f[sel.dataset.facet] = Number(sel.value);
    });
    return f;
  }

  /* `submitted`: the query was sent whole (Enter, or a /search/?q= link), so its last word
     is a word, as the terminal reads it, not the start of one being typed. */
  async function rank(query, filters, submitted) {
    var e = await entry();
    var raw = tokens(query);
    var typing = !submitted && !/\s$/.test(query);
    var last = raw.length ? raw[raw.length - 1] : null;
    var words = queryTokens(query).map(function (t) {
      // An identifier's prefix is its term (`INC_20` is `inc-20`); it is being typed when it
      // ends with the last word.
      return {
        term: t.term,
        prefix: t.id ? t.term : lowerFold(t.raw),
        last: last !== null && (t.id ? t.end === last.end : t.start === last.start),
        // Written `kube*`: the terms it begins too, as src/search/mod.rs's `words_of` reads it.
        star: !t.id && query[t.end] === "*",
        id: !!t.id,
        inside: t.inside,
        raw: t.raw
      };
    });
    var groups = await Promise.all(words.map(function (w) { return wordTerms(e, w, (typing && w.last) || w.star); }));
    // A compound's closed word no document holds stands for its words, as in the terminal
    // (`Query::focused` in src/analysis.rs): "oom killed", OOMKilled and oom-killed find what
    // says "out of memory (OOM) killed".
    var split = await Promise.all(words.map(function (w, i) {
      var parts = compoundWords(w.term);
      if (!parts.length || groups[i].lists.length) return null;
      return Promise.all(parts.map(function (t) {
        var part = { term: t, prefix: t, last: false, id: false, inside: undefined, raw: w.raw };
        return wordTerms(e, part, false).then(function (g) { return { word: part, group: g }; });
      }));
    }));
    // The words no document holds, as src/search/mod.rs's `missing` names them; not the word
    // still being typed, which may yet become one, nor a compound whose every word is held.
    var missing = [];
    words.forEach(function (w, i) {
      if (typing && w.last) return;
      var byWords = split[i] && split[i].every(function (p) { return p.group.lists.length; });
      if (!w.inside && !groups[i].lists.length && !byWords && missing.indexOf(w.raw) < 0) missing.push(w.raw);
    });
    // An identifier some document holds stands for its words, as in the terminal: QS-2021-016
    // finds that incident and those that cite it, not every incident that says 2021. So does a
    // camel-case word for its parts: NotReady finds what says NotReady, not every "ready".
    var found = new Set();
    words.forEach(function (w, i) { if (groups[i].lists.length) found.add(w.term); });
    var focused = words.map(function (w) {
      return !(w.inside && w.inside.every(function (id) { return found.has(id); }));
    });
    var kept = [];
    var keptGroups = [];
    words.forEach(function (w, i) {
      if (!focused[i]) return;
      var each = split[i] || [{ word: w, group: groups[i] }];
      each.forEach(function (p) {
        if (kept.some(function (k) { return k.term === p.word.term; })) return;
        kept.push(p.word);
        keptGroups.push(p.group);
      });
    });
    words = kept;
    groups = keptGroups;
    var docs = new Map();
    var matched = new Set();
    var total = 0;
    groups.forEach(function (g, gi) {
      g.terms.forEach(function (t) { matched.add(t); });
      var best = new Map();
      g.lists.forEach(function (list) {
        if (list.length % 3 === 1) total = Math.max(total, list[list.length - 1]);
        decode(list, function (doc, score, mask) {
          var b = best.get(doc);
          if (!b) best.set(doc, { score: score, mask: mask });
          else { b.score = Math.max(b.score, score); b.mask |= mask; }
        });
      });
      best.forEach(function (b, doc) {
        var d = docs.get(doc);
        if (!d) { d = { doc: doc, score: 0, words: 0, masks: [], named: 0 }; docs.set(doc, d); }
        // The query names this incident by its id (bit 31 of the mask, ID_BIT in web.rs).
        if (b.mask & ID_BIT) d.named = 1;
        d.score += b.score;
        d.words += 1;
        d.masks[gi] = b.mask;
      });
    });
    var names = Object.keys(filters);
    if (names.length) {
      var facets = await fetchJSON(e.facets);
      var keep = function (doc) {
        var f = facets.docs[doc];
        return names.every(function (name) {
          var v = filters[name];
          if (name === "tags") return f[0].indexOf(v) >= 0;
          if (name === "services") return f[1].indexOf(v) >= 0;
          if (name === "severity") return f[2] === v;
          return f[3] === v;
        });
      };
      if (!words.length) {
        for (var d = 0; d < e.docs; d++) if (keep(d)) docs.set(d, { doc: d, score: 0, words: 0, masks: [] });
      } else {
        docs.forEach(function (v, doc) { if (!keep(doc)) docs.delete(doc); });
      }
    }
    // A document that holds a word the query leaves out (-fluentd) is no result: the word's
    // term exactly, never the terms it begins, as the terminal reads it. A term's list cut to
    // the documents where it scores best leaves out only those; `unseen` counts the documents
    // such a list holds beyond them (each word's, a document holding two counted twice).
    var excluded = excludedTerms(query);
    var gone = new Set();
    var unseen = 0;
    var held = new Set();
    for (var x = 0; x < excluded.length; x++) {
      var s = await shard(e, shardIndex(e, excluded[x]));
      if (Object.prototype.hasOwnProperty.call(s, excluded[x])) {
        held.add(excluded[x]);
        var out = s[excluded[x]];
        if (out.length % 3 === 1) unseen += out[out.length - 1] - (out.length - 1) / 3;
        decode(out, function (doc) { gone.add(doc); docs.delete(doc); });
      }
    }
    // The words written -word that leave out nothing, as the terminal names them; not the one
    // still being typed.
    var idle = exclusionTerms(query).filter(function (x) {
      if (typing && x.end === query.length) return false;
      return x.terms.length && !x.terms.some(function (t) { return held.has(t); });
    }).map(function (x) { return x.written; });
    var list = Array.from(docs.values());
    // Incidents that hold more of the query's words come first (a half-remembered phrase
    // should find the one incident that has all of it), then by score.
    // The incident the query names by its id comes before all of them, as in the terminal.
    list.sort(function (a, b) {
      return (b.named || 0) - (a.named || 0) || b.words - a.words || b.score - a.score || a.doc - b.doc;
    });
    return { hits: list, terms: matched, count: counted(e, list.length, total, names.length ? keep : null, gone, unseen), missing: missing, idle: idle };
  }

  /* How many documents match, of which `n` are listed, as far as the page can know:
     { total, how } with `how` "exact" (`total` match), "about" (no filter and no word left
     out: `total`, the most documents one query word holds, is about how many) or "least" (at
     least `total` match). No list of a query word cut (`total` 0): the list is all there is.
     Else the documents a filter (`keep`) or a word left out (`gone`, `unseen` more) rules out
     are known: of the `total` that hold a query word, at most that many are no result, and no
     other document is one, so the count is exact when both bounds meet or every document
     left is listed. */
  function counted(e, n, total, keep, gone, unseen) {
    if (!total) return { total: n, how: "exact" };
    var out = 0;
    for (var d = 0; d < e.docs; d++) if (gone.has(d) || (keep && !keep(d))) out++;
    var most = e.docs - out;
    var least = Math.max(n, total - out - unseen);
    if (n >= most) return { total: n, how: "exact" };
    if (!unseen && least >= most) return { total: most, how: "exact" };
    if (!keep && !gone.size && !unseen) return { total: Math.max(total, n), how: "about" };
    return { total: least, how: "least" };
  }

  async function fragmentOf(e, doc) {
    var f = e.fragments;
    var n = Math.floor(doc / f.docs);
    var data = await fetchJSON("f-" + n + "-" + f.hashes[n] + ".json");
    return data[doc % f.docs];
  }

  /* The section most query words occur in (the earliest of equals), or -1. */
  function bestSection(masks, count) {
    var best = -1, bestCount = 0;
    for (var bit = 0; bit < Math.min(count, 31); bit++) {
      var c = 0;
      masks.forEach(function (m) { if (m & (1 << bit)) c++; });
      if (c > bestCount) { best = bit; bestCount = c; }
    }
    return best;
  }

  /* The query term each token of `text` matches, or null, as src/search/mod.rs's `snippet`
     reads them: its own, that of an identifier it is part of (CVE-2021-44228), or that of one
     of its camel-case parts (NotReady for "ready"). */
  function tokenKeys(text, toks, terms) {
    var keys = toks.map(function (t) { return terms.has(t.term) ? t.term : null; });
    idTokens(text).forEach(function (id) {
      if (!terms.has(id.term)) return;
      toks.forEach(function (t, k) { if (t.start >= id.start && t.end <= id.end) keys[k] = id.term; });
    });
    partTokens(text).forEach(function (p) {
      if (!terms.has(p.term)) return;
      var k = toks.findIndex(function (t) { return t.start <= p.start && p.end <= t.end; });
      if (k >= 0 && keys[k] === null) keys[k] = p.term;
    });
    return keys;
  }

  /* About SNIPPET_TOKENS words of `text` around the window with the most distinct query
     terms: [{text, mark}] pieces. */
  function snippet(text, terms) {
    var toks = tokens(text);
    if (!toks.length) return [{ text: text.replace(/\s+/g, " ").trim(), mark: false }];
    var keys = tokenKeys(text, toks, terms);
    var start = 0, best = [0, 0];
    toks.forEach(function (t, i) {
      if (keys[i] === null) return;
      var from = Math.max(0, i - 4), to = Math.min(toks.length, from + SNIPPET_TOKENS);
      var distinct = new Set(), all = 0;
      for (var j = from; j < to; j++) if (keys[j] !== null) { distinct.add(keys[j]); all++; }
      if (distinct.size > best[0] || (distinct.size === best[0] && all > best[1])) {
        best = [distinct.size, all];
        start = from;
      }
    });
    var end = Math.min(toks.length, start + SNIPPET_TOKENS);
    var pieces = [];
    var plain = start > 0 ? "… " : "";
    var at = start > 0 ? toks[start].start : 0;
    for (var j = start; j < end; j++) {
      plain += text.slice(at, toks[j].start).replace(/\s+/g, " ");
      if (keys[j] !== null) {
        var last = pieces[pieces.length - 1];
        if (plain) pieces.push({ text: plain, mark: false });
        /* Matched words with nothing between them (characters of 東京) are one mark. */
        if (!plain && last && last.mark) last.text += text.slice(toks[j].start, toks[j].end);
        else pieces.push({ text: text.slice(toks[j].start, toks[j].end), mark: true });
        plain = "";
      } else {
        plain += text.slice(toks[j].start, toks[j].end);
      }
      at = toks[j].end;
    }
    plain += end === toks.length ? text.slice(at).replace(/\s+/g, " ").trimEnd() : " …";
    if (plain) pieces.push({ text: plain, mark: false });
    if (pieces.length && !pieces[0].mark) pieces[0].text = pieces[0].text.trimStart();
    return pieces;
  }

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") n.textContent = attrs[k];
      else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }

  /* How many distinct query terms `text` holds. */
  function distinctIn(text, terms) {
    var seen = new Set();
    analyze(text || "").forEach(function (t) { if (terms.has(t)) seen.add(t); });
    return seen.size;
  }

  /* The section named is the one with the most distinct query words, the earliest of equals,
     unless the summary holds as many: it is at the top of the page. Then it is the section the
     summary was taken from, if any. `hindsight search` chooses by the same rule. */
  function renderHit(frag, masks, terms) {
    var s = bestSection(masks, frag.sections.length);
    var section = s >= 0 ? frag.sections[s] : null;
    var fromSummary = frag.summary && distinctIn(frag.summary, terms) > 0 &&
      (!section || distinctIn(frag.summary, terms) >= distinctIn(section[0] + "\n" + section[2], terms));
    if (fromSummary) {
      var summary = frag.summary.replace(/\s+/g, " ").trim();
      section = frag.sections.find(function (x) { return x[0] && x[2].indexOf(summary) >= 0; }) || null;
    }
    /* A canonical learning's text above every heading is a section with no title nor anchor:
       the top of its page, named as no section. */
    var anchor = section && section[1];
    var href = new URL(frag.url + (anchor ? "#" + anchor : ""), root).href;
    var text = section && !fromSummary ? section[2] : frag.summary || (frag.sections[0] ? frag.sections[0][2] : "");
    var p = el("p", { class: "search-snippet" });
    var pieces = snippet(text, terms);
    pieces.forEach(function (piece) {
      p.appendChild(piece.mark ? el("mark", { text: piece.text }) : document.createTextNode(piece.text));
    });
    /* A match in a summary no section holds (set in front matter, or above every heading) is
       named as the page shows it, at its top: "Summary", as `hindsight search` names it. */
    var inSummary = !section && text === frag.summary && pieces.some(function (piece) { return piece.mark; });
    /* A learning page (a canonical learning or a cluster) says so; an incident is the rule. */
    var kind = frag.kind === "learning" ? "Learning" : null;
    var meta = [frag.id, kind, frag.date, frag.severity, anchor ? "§ " + section[0] : inSummary ? "§ Summary" : null]
      .filter(Boolean)
      .join(" · ");
    var a = el("a", { href: href, class: "search-hit-link" }, [
      el("span", { class: "search-hit-title", text: frag.title }),
      el("span", { class: "search-hit-meta", text: meta }),
    ]);
    if (anchor) a.dataset.section = anchor;
    return el("li", { class: "search-hit" }, [a, p]);
  }

  /* The status line of `n` results listed, of `count` that match (see `counted`): "About" or
     "At least" the count, or the count itself, when more match than are listed; else only
     that more may match when the least known is no more than are listed. */
  function countSaid(count, n) {
    var listed = n === 0 ? "none of them is among those the page keeps"
      : n === 1 ? "the best one is listed" : "the best " + n + " are listed";
    var results = count.total === 1 ? "1 result matches" : count.total + " results match";
    if (count.total > n) {
      return (count.how === "about" ? "About " : count.how === "least" ? "At least " : "") + results + "; " + listed + ".";
    }
    if (count.how === "least") {
      return n === 0 ? "Nothing is listed, though some results may match."
        : n === 1 ? "1 result is listed; more may match."
        : n + " results are listed; more may match.";
    }
    return n === 0 ? "Nothing matches." : n === 1 ? "1 result matches." : n + " results match.";
  }

  /* The words no document holds, as `hindsight search` says them beside its results. */
  function missingSaid(words) {
    var quoted = words.map(function (w) { return JSON.stringify(w); });
    var list = quoted.length > 1 ? quoted.slice(0, -1).join(", ") + " or " + quoted[quoted.length - 1] : quoted[0];
    return "No incident or learning holds " + list + ".";
  }

  /* The words written -word that leave out nothing, as `hindsight search` says them. */
  function idleSaid(written) {
    if (written.length === 1) return written[0] + " leaves out nothing: no incident or learning holds it.";
    return written.slice(0, -1).join(", ") + " and " + written[written.length - 1] + " leave out nothing: no incident or learning holds them.";
  }

  function init() {
    var input = document.getElementById("search-q");
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var more = document.getElementById("search-more");
    var filtersBox = document.getElementById("search-filters");
    var form = input && input.form;
    if (!input || !results || !status) return;
    var seq = 0, timer = 0, current = null, shown = 0;
    // What the last search took, for people curious and for the browser tests.
    var state = { lastMs: null, lastQuery: null, completed: 0 };
    window.hindsightSearch = state;

    async function showMore(run) {
      var e = await entry();
      var slice = current.hits.slice(shown, shown + PAGE);
      var frags = await Promise.all(slice.map(function (h) { return fragmentOf(e, h.doc); }));
      if (run !== seq) return;
      frags.forEach(function (f, i) {
        results.appendChild(renderHit(f, slice[i].masks, current.terms));
      });
      shown += slice.length;
      if (more) more.hidden = shown >= current.hits.length;
    }

    // Whether the query in the box was sent whole rather than typed (see `rank`).
    var submitted = false;

    async function run() {
      var run = ++seq;
      var q = input.value;
      var filters = activeFilters();
      var url = new URL(location.href);
      if (q.trim()) url.searchParams.set("q", q); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      if (!q.trim() && !Object.keys(filters).length) {
        results.replaceChildren();
        status.textContent = "";
        if (more) more.hidden = true;
        return;
      }
      // Words to leave out and none to look for, with no filter to choose the incidents, as
      // `hindsight search "-fluentd"` refuses it.
      if (!queryTerms(q).length && excludedTerms(q).length && !Object.keys(filters).length) {
        results.replaceChildren();
        status.textContent = "A word written -word only leaves results out: add words to look for, or choose a filter.";
        if (more) more.hidden = true;
        state.lastQuery = q;
        state.completed += 1;
        return;
      }
      var t0 = performance.now();
      try {
        var ranked = await rank(q, filters, submitted);
        if (run !== seq) return;
        current = ranked;
        shown = 0;
        results.replaceChildren();
        await showMore(run);
        if (run !== seq) return;
        state.lastMs = performance.now() - t0;
        state.lastQuery = q;
        state.completed += 1;
        var n = ranked.hits.length;
        status.textContent = countSaid(ranked.count, n) + (n && ranked.missing.length ? " " + missingSaid(ranked.missing) : "") +
          (ranked.idle.length ? " " + idleSaid(ranked.idle) : "");
      } catch (err) {
        if (run !== seq) return;
        status.textContent = "Search is unavailable: " + err.message;
      }
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    }

    function buildFilters(e) {
      if (!filtersBox) return;
      var labels = { tags: "Tag", services: "Service", severity: "Severity", year: "Year" };
      var any = false;
      Object.keys(labels).forEach(function (name) {
        var values = e.filters[name] || [];
        if (!values.length) return;
        any = true;
        var id = "search-filter-" + name;
        var sel = el("select", { id: id, "data-facet": name });
        sel.appendChild(el("option", { value: "", text: "Any" }));
        values.forEach(function (v, i) {
          sel.appendChild(el("option", { value: String(i), text: v[0] + " (" + v[1] + ")" }));
        });
        sel.addEventListener("change", run);
        filtersBox.appendChild(el("div", { class: "search-filter" }, [el("label", { for: id, text: labels[name] }), sel]));
      });
      filtersBox.hidden = !any;
    }

    input.addEventListener("input", function () { submitted = false; schedule(); });
    if (form) form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(timer); submitted = true; run(); });
    if (more) more.addEventListener("click", function () { showMore(seq); });

    // Arrow keys move between the input and the result links; Enter follows a link; Escape
    // goes back to the input.
    function links() { return Array.from(results.querySelectorAll("a.search-hit-link")); }
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") {
        var l = links();
        if (l.length) { ev.preventDefault(); l[0].focus(); }
      }
    });
    results.addEventListener("keydown", function (ev) {
      var l = links();
      var i = l.indexOf(document.activeElement);
      if (i < 0) return;
      if (ev.key === "ArrowDown" && i + 1 < l.length) { ev.preventDefault(); l[i + 1].focus(); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); (i > 0 ? l[i - 1] : input).focus(); }
      else if (ev.key === "Escape") { ev.preventDefault(); input.focus(); }
    });

    entry().then(buildFilters, function (err) {
      status.textContent = "Search is unavailable: " + err.message;
    });
    var q = new URL(location.href).searchParams.get("q");
    if (q) {
      input.value = q;
      submitted = true;
      // Sent from a page's header box: the keys go on where they left off (the down arrow to
      // the results, more words to the query).
      input.focus({ preventScroll: true });
      run();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
