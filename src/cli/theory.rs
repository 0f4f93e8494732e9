//! `plam theory|density|capacity|margin|cover` (being written).
