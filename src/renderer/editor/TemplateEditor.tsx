// A template editor: Monaco when it loads, a plain labelled textarea when it does not.
// Issues arrive as markers (underlined at their line and column).
import { useEffect, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor/editor';
import type { TemplateMarker } from './issues.js';

type MonacoModule = typeof import('./monacoSetup.js');

let loading: Promise<MonacoModule> | undefined;
function loadMonaco(): Promise<MonacoModule> {
  loading ??= import('./monacoSetup.js');
  return loading;
}

function useMonaco(): { status: 'loading' | 'ready' | 'failed'; mod?: MonacoModule } {
  const [state, setState] = useState<{ status: 'loading' | 'ready' | 'failed'; mod?: MonacoModule }>({
    status: 'loading',
  });
  useEffect(() => {
    let alive = true;
    const timer = setTimeout(() => alive && setState((s) => (s.status === 'loading' ? { status: 'failed' } : s)), 10_000);
    loadMonaco().then(
      (mod) => alive && setState({ status: 'ready', mod }),
      (err: unknown) => {
        console.error('Monaco failed to load; using the plain editor', err);
        if (alive) setState({ status: 'failed' });
      },
    );
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);
  return state;
}

function useDarkMode(): boolean {
  const query = '(prefers-color-scheme: dark)';
  const [dark, setDark] = useState(() => window.matchMedia?.(query).matches ?? false);
  useEffect(() => {
    const mq = window.matchMedia?.(query);
    if (!mq) return;
    const onChange = () => setDark(mq.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return dark;
}

export interface TemplateEditorProps {
  /** Accessible name, e.g. "Body template". */
  label: string;
  value: string;
  onChange: (value: string) => void;
  markers?: TemplateMarker[];
  /** One line (URLs, JMESPath): no line numbers, Enter does nothing. */
  singleLine?: boolean;
  height?: number;
  placeholder?: string;
  id?: string;
}

export function TemplateEditor(props: TemplateEditorProps) {
  const { status, mod } = useMonaco();
  if (status === 'failed' || (status === 'ready' && !mod)) return <PlainTemplateEditor {...props} />;
  if (status === 'loading') {
    return (
      <div className="editor-loading" style={{ height: props.singleLine ? 30 : (props.height ?? 220) }}>
        Loading editor…
      </div>
    );
  }
  return <MonacoTemplateEditor {...props} mod={mod!} />;
}

/** The fallback: a labelled textarea that keeps the same contract. */
export function PlainTemplateEditor({ label, value, onChange, singleLine, height, placeholder, id, markers }: TemplateEditorProps) {
  return (
    <div className="plain-editor">
      <textarea
        id={id}
        aria-label={label}
        className="mono"
        spellCheck={false}
        rows={singleLine ? 1 : undefined}
        style={{ height: singleLine ? 30 : (height ?? 220) }}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(singleLine ? e.target.value.replace(/\n/g, '') : e.target.value)}
      />
      {markers && markers.length > 0 && (
        <ul className="marker-list">
          {markers.map((m, i) => (
            <li key={i}>
              line {m.line}, column {m.column}: {m.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function MonacoTemplateEditor({
  label,
  value,
  onChange,
  markers,
  singleLine,
  height,
  id,
  mod,
}: TemplateEditorProps & { mod: MonacoModule }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const dark = useDarkMode();
  const { monaco, TEMPLATE_LANGUAGE } = mod;
  const [tabMoves, setTabMoves] = useState(Boolean(singleLine));

  // Created once per mount; the value below is synced without recreating the model.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const editor = monaco.editor.create(host, {
      value,
      language: TEMPLATE_LANGUAGE,
      ariaLabel: label,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      tabSize: 2,
      wordWrap: singleLine ? 'off' : 'on',
      lineNumbers: singleLine ? 'off' : 'on',
      glyphMargin: false,
      folding: !singleLine,
      lineDecorationsWidth: singleLine ? 4 : 8,
      lineNumbersMinChars: 3,
      renderLineHighlight: singleLine ? 'none' : 'line',
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      scrollbar: singleLine
        ? { vertical: 'hidden', horizontal: 'hidden', alwaysConsumeMouseWheel: false }
        : { alwaysConsumeMouseWheel: false },
      fixedOverflowWidgets: true,
      links: false,
      // Templates mix JSON and {{tags}}: auto-closing doubles braces and quotes more often
      // than it helps, and a paste must land exactly as pasted.
      autoClosingBrackets: 'never',
      autoClosingQuotes: 'never',
      bracketPairColorization: { enabled: false },
      matchBrackets: 'near',
      quickSuggestions: { other: true, strings: true, comments: false },
      suggestOnTriggerCharacters: true,
      // One-line editors behave like inputs: Tab moves on. Body editors indent (Ctrl+M toggles).
      tabFocusMode: Boolean(singleLine),
      accessibilitySupport: 'auto',
      padding: singleLine ? { top: 5, bottom: 0 } : { top: 6, bottom: 6 },
    });
    editorRef.current = editor;
    // Ctrl+M (Monaco's own key) flips whether Tab indents or moves focus: the hint follows it.
    const tabSub = editor.onDidChangeConfiguration((e) => {
      if (e.hasChanged(monaco.editor.EditorOption.tabFocusMode)) setTabMoves(editor.getOption(monaco.editor.EditorOption.tabFocusMode));
    });
    setTabMoves(editor.getOption(monaco.editor.EditorOption.tabFocusMode));
    if (!singleLine) {
      // Bound here too: the standalone build does not always carry Monaco's toggle action.
      const toggleKey = MAC_KEYS ? monaco.KeyMod.WinCtrl | monaco.KeyMod.Shift | monaco.KeyCode.KeyM : monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM;
      editor.addCommand(toggleKey, () => editor.updateOptions({ tabFocusMode: !editor.getOption(monaco.editor.EditorOption.tabFocusMode) }));
    }
    if (singleLine) {
      // Enter would add a second line to a URL; let the suggest widget keep it.
      editor.addCommand(monaco.KeyCode.Enter, () => undefined, '!suggestWidgetVisible');
    }
    const sub = editor.onDidChangeModelContent(() => {
      const next = editor.getValue();
      onChangeRef.current(singleLine ? next.replace(/\n/g, '') : next);
    });
    return () => {
      // The editor first, then its model: a model disposed under a live editor makes the
      // editor's pending work (a content change, a marker update) throw "Model is disposed!".
      const model = editor.getModel();
      sub.dispose();
      tabSub.dispose();
      editorRef.current = null;
      editor.dispose();
      model?.dispose();
    };
  }, []);

  // Outside changes (preset, import, another tab) replace the text; our own echo is a no-op.
  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== value) editor.setValue(value);
  }, [value]);

  useEffect(() => {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark, monaco]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model || model.isDisposed()) return;
    monaco.editor.setModelMarkers(
      model,
      'outbound',
      (markers ?? []).map((m) => {
        const line = Math.min(Math.max(1, m.line), model.getLineCount());
        const maxColumn = model.getLineMaxColumn(line);
        const column = Math.min(Math.max(1, m.column), maxColumn);
        const word = model.getWordAtPosition({ lineNumber: line, column });
        let endColumn = word && word.startColumn <= column ? word.endColumn : column + 1;
        if (column >= maxColumn) endColumn = maxColumn; // at line end: mark the line
        return {
          severity: monaco.MarkerSeverity.Error,
          message: m.message,
          startLineNumber: line,
          startColumn: column >= maxColumn ? 1 : column,
          endLineNumber: line,
          endColumn: Math.max(endColumn, column + 1),
        };
      }),
    );
  }, [markers, monaco, value]);

  const host = (
    <div
      id={id}
      ref={hostRef}
      className={singleLine ? 'monaco-host single-line' : 'monaco-host'}
      data-testid={`editor-${label}`}
      style={{ height: singleLine ? 30 : (height ?? 220) }}
    />
  );
  if (singleLine) return host;
  const toggle = MAC_KEYS ? 'Ctrl+Shift+M' : 'Ctrl+M';
  return (
    <>
      {host}
      <p className="editor-tab-hint" role="note" aria-label={`Tab key in ${label}`}>
        {tabMoves ? `Tab moves focus · ${toggle}: Tab indents` : `Tab indents · ${toggle}: Tab moves focus out of the editor`}
      </p>
    </>
  );
}

const MAC_KEYS = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
