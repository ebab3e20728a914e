import { createRoot } from 'react-dom/client';
import '../../styles/app.css';
import './console.css';
import { ConsoleApp } from './App';

const root = document.getElementById('root');
if (root) createRoot(root).render(<ConsoleApp />);
