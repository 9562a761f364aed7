// The entry electron-vite builds for the main process. The shell lives in electron/.
import './electron/main.js';
