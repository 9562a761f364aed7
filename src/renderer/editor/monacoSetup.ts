// Loads Monaco from the bundle (no CDN: the CSP allows only 'self'), registers the
// template language and its completions. Imported lazily so a failure falls back to a
// plain textarea instead of breaking the studio.
// The editor core and its features (suggest, find, hover…) only: the studio highlights its
// own template language, so the JSON/CSS/HTML/TypeScript language services and their
// workers (~15 MB) stay out of the bundle.
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { loader } from '@monaco-editor/react';
import { completionsAt, hoverAt } from './completions.js';
import { TEMPLATE_HELPER_NAMES } from '../../shared/template-helpers.js';
import type { PreviewResult } from '../../shared/api.js';
import { useStudio } from '../state/studio.js';

export const TEMPLATE_LANGUAGE = 'outbound-template';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker: (workerId: string, label: string) => Worker };
  }
}

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };
loader.config({ monaco });

monaco.languages.register({ id: TEMPLATE_LANGUAGE });
// Handlebars tags stand out; the JSON around them keeps strings and numbers coloured.
monaco.languages.setMonarchTokensProvider(TEMPLATE_LANGUAGE, {
  defaultToken: '',
  tokenizer: {
    root: [
      [/\{\{!--/, 'comment', '@comment'],
      [/\{\{~?[#/]?/, 'keyword', '@tag'],
      [/"/, 'string', '@string'],
      [/-?\d+(\.\d+)?([eE][+-]?\d+)?/, 'number'],
      [/\b(true|false|null)\b/, 'keyword'],
      [/[{}[\],:]/, 'delimiter'],
    ],
    string: [
      [/\{\{~?[#/]?/, 'keyword', '@tag'],
      [/\\./, 'string.escape'],
      [/"/, 'string', '@pop'],
      [/[^"\\{]+/, 'string'],
      [/./, 'string'],
    ],
    tag: [
      [/~?\}\}/, 'keyword', '@pop'],
      [new RegExp(`\\b(each|if|unless|else|with|lookup|${TEMPLATE_HELPER_NAMES.join('|')})\\b`), 'keyword'],
      [/@\w+/, 'variable.predefined'],
      [/[\w.]+/, 'variable'],
      [/'[^']*'|"[^"]*"/, 'string'],
      [/\s+/, ''],
    ],
    comment: [
      [/--\}\}/, 'comment', '@pop'],
      [/./, 'comment'],
    ],
  },
});

monaco.languages.setLanguageConfiguration(TEMPLATE_LANGUAGE, {
  brackets: [
    ['{', '}'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '"', close: '"', notIn: ['string'] },
  ],
  wordPattern: /[\w@]+/,
});

// The fields offered after `user.` come from the last preview that mapped records. A
// template being typed is broken most of the time (`{{user.` is unclosed), and its preview
// maps nothing: offering nothing then would depend on which keystroke's preview landed.
// A switch of destination clears the preview, and with it these fields.
let fieldRecords: PreviewResult['records'] = useStudio.getState().preview?.records ?? [];
useStudio.subscribe((state) => {
  if (!state.preview) fieldRecords = [];
  else if (state.preview.records.length > 0) fieldRecords = state.preview.records;
});

monaco.languages.registerCompletionItemProvider(TEMPLATE_LANGUAGE, {
  triggerCharacters: ['.', '{', ' ', '#', '@'],
  provideCompletionItems(model, position) {
    const before = model.getValueInRange({
      startLineNumber: 1,
      startColumn: 1,
      endLineNumber: position.lineNumber,
      endColumn: position.column,
    });
    const records = fieldRecords;
    const word = model.getWordUntilPosition(position);
    const range = {
      startLineNumber: position.lineNumber,
      endLineNumber: position.lineNumber,
      startColumn: word.startColumn,
      endColumn: word.endColumn,
    };
    const charBeforeWord = before.charAt(before.length - word.word.length - 1);
    const kinds = {
      field: monaco.languages.CompletionItemKind.Field,
      variable: monaco.languages.CompletionItemKind.Variable,
      helper: monaco.languages.CompletionItemKind.Function,
    };
    return {
      suggestions: completionsAt(before, records).map((c) => ({
        label: c.label,
        detail: c.detail,
        kind: kinds[c.kind],
        // `#` is not part of a word: when already typed, insert `each` not `#each`.
        insertText: c.label.startsWith('#') && charBeforeWord === '#' ? c.label.slice(1) : c.label,
        range,
      })),
    };
  },
});

// Hover on a helper name inside {{ }}: its signature, what it does, an example.
monaco.languages.registerHoverProvider(TEMPLATE_LANGUAGE, {
  provideHover(model, position) {
    const word = model.getWordAtPosition(position);
    if (!word) return null;
    const before = model.getValueInRange({ startLineNumber: 1, startColumn: 1, endLineNumber: position.lineNumber, endColumn: word.endColumn });
    const lines = hoverAt(before, word.word);
    if (!lines) return null;
    return {
      range: new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn),
      contents: lines.map((value) => ({ value })),
    };
  },
});

export { monaco };
