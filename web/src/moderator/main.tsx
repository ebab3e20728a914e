import { createRoot } from 'react-dom/client';
import '../styles/app.css';
import { ModeratorApp } from './App';

const root = document.getElementById('root');
if (root) createRoot(root).render(<ModeratorApp />);
