//===- Lexer.h - Tokens of the .snn language --------------------*- C++ -*-===//
//
// The lexer turns a source buffer into tokens. Newlines end statements, so
// they are tokens too, except inside parentheses or brackets where an
// expression may continue on the next line. Keywords are contextual: the
// parser compares identifier spellings, which keeps names like `current`
// or `input` usable elsewhere.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_LEXER_H
#define SNNC_DSL_LEXER_H

#include "snnc/dsl/Diagnostics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

namespace snnc {

enum class TokenKind {
  Eof,
  Newline,
  Identifier,
  Number,
  String,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  Equal,      // =
  PlusEqual,  // +=
  MinusEqual, // -=
  StarEqual,  // *=
  SlashEqual, // /=
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  Tilde,
  Arrow, // ->
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  EqualEqual,
  NotEqual,
  Error, // an invalid character, already reported
};

/// A readable name for diagnostics ("'{'", "identifier", "end of line").
const char *tokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::Eof;
  llvm::StringRef text; ///< Points into the source buffer.
  double number = 0;    ///< Value of a Number token.

  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(text.data()); }
  llvm::SMRange range() const {
    return {loc(), llvm::SMLoc::getFromPointer(text.data() + text.size())};
  }
  bool is(TokenKind k) const { return kind == k; }
  bool isKeyword(llvm::StringRef word) const {
    return kind == TokenKind::Identifier && text == word;
  }
};

/// Produces tokens one at a time from a buffer; reports bad characters.
class Lexer {
public:
  Lexer(llvm::StringRef buffer, DiagnosticEngine &diags)
      : buffer(buffer), cursor(buffer.begin()), diags(diags) {}

  Token next();

private:
  Token make(TokenKind kind, const char *start);
  Token lexNumber(const char *start);
  Token lexIdentifier(const char *start);
  Token lexString(const char *start);
  void skipWhitespaceAndComments();

  llvm::StringRef buffer;
  const char *cursor;
  DiagnosticEngine &diags;
  /// Nesting depth of ( and [: newlines inside are not tokens. Braces reset
  /// it, so one unbalanced parenthesis cannot swallow the rest of the file.
  unsigned groupDepth = 0;
};

} // namespace snnc

#endif // SNNC_DSL_LEXER_H
