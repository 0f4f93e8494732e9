//! The SVG carries its font: DejaVu Sans as a base64 `@font-face`, so the
//! SVG renders with the same glyphs on a machine with no fonts installed.

use super::style::FONT;

/// Inserts DejaVu Sans as a base64 `@font-face` right after the opening
/// `<svg …>` tag, so the SVG renders with the same glyphs on any machine.
pub(crate) fn embed_font(svg: &str) -> String {
    let Some(open) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[open..].find('>') else {
        return svg.to_string();
    };
    let at = open + end + 1;
    let face = format!(
        "\n<defs><style type=\"text/css\">@font-face {{ font-family: '{FONT}'; \
         src: url(data:font/ttf;base64,{}) format('truetype'); }}</style></defs>",
        base64(dejavu::sans::regular())
    );
    let mut out = String::with_capacity(svg.len() + face.len());
    out.push_str(&svg[..at]);
    out.push_str(&face);
    out.push_str(&svg[at..]);
    out
}

/// Standard base64 (RFC 4648) with padding.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}
