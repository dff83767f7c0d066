//===- Lexer.cpp - Tokens of the .snn language ----------------------------===//

#include "snnc/dsl/Lexer.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdlib>
#include <string>

using namespace snnc;

const char *snnc::tokenKindName(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof:
    return "end of file";
  case TokenKind::Newline:
    return "end of line";
  case TokenKind::Identifier:
    return "identifier";
  case TokenKind::Number:
    return "number";
  case TokenKind::String:
    return "string";
  case TokenKind::LBrace:
    return "'{'";
  case TokenKind::RBrace:
    return "'}'";
  case TokenKind::LParen:
    return "'('";
  case TokenKind::RParen:
    return "')'";
  case TokenKind::LBracket:
    return "'['";
  case TokenKind::RBracket:
    return "']'";
  case TokenKind::Comma:
    return "','";
  case TokenKind::Colon:
    return "':'";
  case TokenKind::Dot:
    return "'.'";
  case TokenKind::Equal:
    return "'='";
  case TokenKind::PlusEqual:
    return "'+='";
  case TokenKind::MinusEqual:
    return "'-='";
  case TokenKind::StarEqual:
    return "'*='";
  case TokenKind::SlashEqual:
    return "'/='";
  case TokenKind::Plus:
    return "'+'";
  case TokenKind::Minus:
    return "'-'";
  case TokenKind::Star:
    return "'*'";
  case TokenKind::Slash:
    return "'/'";
  case TokenKind::Caret:
    return "'^'";
  case TokenKind::Tilde:
    return "'~'";
  case TokenKind::Arrow:
    return "'->'";
  case TokenKind::Less:
    return "'<'";
  case TokenKind::LessEqual:
    return "'<='";
  case TokenKind::Greater:
    return "'>'";
  case TokenKind::GreaterEqual:
    return "'>='";
  case TokenKind::EqualEqual:
    return "'=='";
  case TokenKind::NotEqual:
    return "'!='";
  case TokenKind::Error:
    return "invalid character";
  }
  return "token";
}

namespace {
bool isIdentifierStart(unsigned char c) {
  // Bytes >= 0x80 belong to UTF-8 sequences such as 'µ' and 'Ω' in units.
  return llvm::isAlpha(c) || c == '_' || c >= 0x80;
}
bool isIdentifierBody(unsigned char c) {
  return isIdentifierStart(c) || llvm::isDigit(c);
}
} // namespace

Token Lexer::make(TokenKind kind, const char *start) {
  Token token;
  token.kind = kind;
  token.text = llvm::StringRef(start, cursor - start);
  if (kind == TokenKind::LParen || kind == TokenKind::LBracket)
    ++groupDepth;
  else if ((kind == TokenKind::RParen || kind == TokenKind::RBracket) &&
           groupDepth > 0)
    --groupDepth;
  else if (kind == TokenKind::LBrace || kind == TokenKind::RBrace)
    groupDepth = 0;
  return token;
}

void Lexer::skipWhitespaceAndComments() {
  const char *end = buffer.end();
  while (cursor < end) {
    char c = *cursor;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
        (c == '\n' && groupDepth > 0)) {
      ++cursor;
    } else if (c == '#') {
      while (cursor < end && *cursor != '\n')
        ++cursor;
    } else if (c == '\\' && cursor + 1 < end && cursor[1] == '\n') {
      cursor += 2; // explicit line continuation
    } else if (c == '\\' && cursor + 2 < end && cursor[1] == '\r' &&
               cursor[2] == '\n') {
      cursor += 3; // the same with Windows line ends
    } else {
      return;
    }
  }
}

Token Lexer::next() {
  skipWhitespaceAndComments();
  const char *start = cursor;
  if (cursor >= buffer.end())
    return make(TokenKind::Eof, start);

  unsigned char c = *cursor++;
  if (llvm::isDigit(c) || (c == '.' && cursor < buffer.end() &&
                           llvm::isDigit(static_cast<unsigned char>(*cursor))))
    return lexNumber(start);
  if (isIdentifierStart(c))
    return lexIdentifier(start);

  auto follows = [&](char expected) {
    if (cursor < buffer.end() && *cursor == expected) {
      ++cursor;
      return true;
    }
    return false;
  };
  switch (c) {
  case '\n':
    return make(TokenKind::Newline, start);
  case '"':
    return lexString(start);
  case '{':
    return make(TokenKind::LBrace, start);
  case '}':
    return make(TokenKind::RBrace, start);
  case '(':
    return make(TokenKind::LParen, start);
  case ')':
    return make(TokenKind::RParen, start);
  case '[':
    return make(TokenKind::LBracket, start);
  case ']':
    return make(TokenKind::RBracket, start);
  case ',':
    return make(TokenKind::Comma, start);
  case ':':
    return make(TokenKind::Colon, start);
  case '.':
    return make(TokenKind::Dot, start);
  case '^':
    return make(TokenKind::Caret, start);
  case '~':
    return make(TokenKind::Tilde, start);
  case '=':
    return make(follows('=') ? TokenKind::EqualEqual : TokenKind::Equal, start);
  case '+':
    return make(follows('=') ? TokenKind::PlusEqual : TokenKind::Plus, start);
  case '-':
    if (follows('>'))
      return make(TokenKind::Arrow, start);
    return make(follows('=') ? TokenKind::MinusEqual : TokenKind::Minus, start);
  case '*':
    return make(follows('=') ? TokenKind::StarEqual : TokenKind::Star, start);
  case '/':
    return make(follows('=') ? TokenKind::SlashEqual : TokenKind::Slash, start);
  case '<':
    return make(follows('=') ? TokenKind::LessEqual : TokenKind::Less, start);
  case '>':
    return make(follows('=') ? TokenKind::GreaterEqual : TokenKind::Greater,
                start);
  case '!':
    if (follows('='))
      return make(TokenKind::NotEqual, start);
    break;
  default:
    break;
  }
  Token bad = make(TokenKind::Error, start);
  std::string shown = llvm::isPrint(c) ? std::string("'") + char(c) + "'"
                                       : "byte 0x" + llvm::utohexstr(c, true);
  diags.error(bad.range(), "unexpected character " + shown);
  return bad;
}

Token Lexer::lexNumber(const char *start) {
  const char *end = buffer.end();
  while (cursor < end && llvm::isDigit(static_cast<unsigned char>(*cursor)))
    ++cursor;
  if (cursor < end && *cursor == '.') {
    ++cursor;
    while (cursor < end && llvm::isDigit(static_cast<unsigned char>(*cursor)))
      ++cursor;
  }
  // An exponent needs digits: "2e" followed by a letter is 2 and a unit.
  if (cursor < end && (*cursor == 'e' || *cursor == 'E')) {
    const char *probe = cursor + 1;
    if (probe < end && (*probe == '+' || *probe == '-'))
      ++probe;
    if (probe < end && llvm::isDigit(static_cast<unsigned char>(*probe))) {
      cursor = probe;
      while (cursor < end && llvm::isDigit(static_cast<unsigned char>(*cursor)))
        ++cursor;
    }
  }
  Token token = make(TokenKind::Number, start);
  std::string spelled = token.text.str();
  token.number = std::strtod(spelled.c_str(), nullptr);
  if (!std::isfinite(token.number)) {
    diags.error(token.range(), "number is too large");
    token.number = 0;
  }
  return token;
}

Token Lexer::lexIdentifier(const char *start) {
  while (cursor < buffer.end() &&
         isIdentifierBody(static_cast<unsigned char>(*cursor)))
    ++cursor;
  return make(TokenKind::Identifier, start);
}

Token Lexer::lexString(const char *start) {
  while (cursor < buffer.end() && *cursor != '"' && *cursor != '\n')
    ++cursor;
  if (cursor >= buffer.end() || *cursor != '"') {
    Token bad = make(TokenKind::Error, start);
    diags.error(bad.range(), "unterminated string");
    return bad;
  }
  ++cursor;
  return make(TokenKind::String, start);
}
